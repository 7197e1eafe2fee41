-- The bytes of every grid blob, so that the shared database, not one server's disk, is their home:
-- any server of a cluster serves any blob, and losing a server loses no file. A blob's row and all
-- its chunks are inserted in one transaction; DATA/grid/blobs is only a cache, refilled from here.
-- Chunks are read back in chunk_index order and concatenated, so the chunk size (1 MiB when
-- written) may change without a migration. An empty blob has no chunks. BYTEA is PostgreSQL's
-- binary type and an H2 alias of BINARY VARYING.
-- Blobs of a V4 database exist only as files: each server backfills the chunks of those it holds
-- when it starts (GridBlobs.open); a blob whose only copy was on a server that is gone is lost.
CREATE TABLE grid_blob_chunks (
    sha256      VARCHAR(64) NOT NULL REFERENCES grid_blobs (sha256),
    chunk_index INT         NOT NULL,
    data        BYTEA       NOT NULL,
    PRIMARY KEY (sha256, chunk_index)
);
