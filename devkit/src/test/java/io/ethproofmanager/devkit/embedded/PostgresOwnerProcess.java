package io.ethproofmanager.devkit.embedded;

import java.nio.file.Path;

/** A process that starts the embedded PostgreSQL on a data directory, says so, and runs until it is killed. */
final class PostgresOwnerProcess {

    private PostgresOwnerProcess() {
    }

    public static void main(final String[] args) throws InterruptedException {
        final EmbeddedPostgresServer server = EmbeddedPostgresServer.start(Path.of(args[0]));
        System.out.println("UP " + server.jdbcUrl());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
