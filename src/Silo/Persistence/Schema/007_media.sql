-- Media: photos, documents and voice notes. The bytes live in the database of the conversation's shard, in rows of
-- one chunk each (256 KiB), never in grain state. An upload's chunks are stored under the upload's own id as they
-- arrive, so a dropped connection resumes from the last stored chunk; when the last one lands, its SHA-256 makes it a
-- medium. The same bytes uploaded again are stored once: the second upload's chunks are dropped and its row points at
-- the medium that was there first.

-- One row per upload: what its owner declared, and how far it has got. sha256 is set once it is complete; claimed
-- once a message of the owner's refers to it (until then the upload itself keeps its medium from being removed).
CREATE TABLE IF NOT EXISTS media_upload
(
    service_id      varchar(150) NOT NULL,
    upload_id       uuid         NOT NULL,
    conversation_id varchar(40)  NOT NULL,
    owner_user_id   bigint       NOT NULL,
    kind            smallint     NOT NULL,
    content_type    varchar(100) NOT NULL,
    file_name       varchar(200) NOT NULL,
    length          bigint       NOT NULL,
    received        bigint       NOT NULL DEFAULT 0,
    sha256          varchar(64),
    claimed         boolean      NOT NULL DEFAULT false,
    created_at      timestamptz  NOT NULL DEFAULT now(),
    PRIMARY KEY (service_id, upload_id)
);

CREATE INDEX IF NOT EXISTS media_upload_unclaimed
    ON media_upload (service_id, sha256)
    WHERE sha256 IS NOT NULL AND NOT claimed;

-- The chunks of a blob (the upload that first brought the bytes). Stored as they come: media is compressed already,
-- so PostgreSQL's own compression would only spend CPU.
CREATE TABLE IF NOT EXISTS media_chunk
(
    service_id  varchar(150) NOT NULL,
    blob_id     uuid         NOT NULL,
    chunk_index integer      NOT NULL,
    data        bytea        NOT NULL,
    PRIMARY KEY (service_id, blob_id, chunk_index)
);

ALTER TABLE media_chunk ALTER COLUMN data SET STORAGE EXTERNAL;

-- One row per distinct content: its address, and the blob that holds its bytes.
CREATE TABLE IF NOT EXISTS media
(
    service_id   varchar(150) NOT NULL,
    sha256       varchar(64)  NOT NULL,
    blob_id      uuid         NOT NULL,
    length       bigint       NOT NULL,
    created_at   timestamptz  NOT NULL DEFAULT now(),
    PRIMARY KEY (service_id, sha256)
);

-- A message's medium: its content address, type, size, name and the preview its sender made, as JSON. A medium no
-- message refers to any more (every one deleted for everyone) is removed; the index finds its references.
ALTER TABLE chat_message ADD COLUMN IF NOT EXISTS media jsonb;

CREATE INDEX IF NOT EXISTS chat_message_media
    ON chat_message (service_id, (media ->> 'sha256'))
    WHERE media IS NOT NULL;
