-- One row per lane of the L1 sender, a lane being one submitter account and the single writer of its nonces. The
-- instance that Kafka assigns the lane's partitions of the commands topic takes the lane by raising its epoch; every
-- attempt is inserted in a database transaction that first checks (FOR SHARE) that the epoch is still the one the
-- inserting instance took, so an owner that lost the lane cannot persist an attempt and therefore cannot broadcast it.
CREATE TABLE l1_sender_lanes (
    from_address TEXT        PRIMARY KEY,
    epoch        BIGINT      NOT NULL,
    owner        TEXT        NOT NULL,
    taken_at     TIMESTAMPTZ NOT NULL,
    CONSTRAINT l1_sender_lanes_epoch_check CHECK (epoch >= 1)
);
