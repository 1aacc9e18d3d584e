-- Grain state for the Orleans ADO.NET storage provider, written for this project.
--
-- The provider reads its four statements from the table orleansquery (keys WriteToStorageKey, ReadFromStorageKey,
-- ClearStorageKey, DeleteStorageKey) and binds them with these parameters: @GrainIdHash, @GrainIdN0, @GrainIdN1,
-- @GrainTypeHash, @GrainTypeString, @GrainIdExtensionString, @ServiceId, @GrainStateVersion, @PayloadBinary.
-- It reads results by name: PayloadBinary and Version from a read, NewGrainStateVersion from a write.
-- A write must return one row: the new version, or NULL when the expected version did not match (a conflict).

CREATE TABLE IF NOT EXISTS orleansquery
(
    querykey  varchar(64)   NOT NULL PRIMARY KEY,
    querytext varchar(8000) NOT NULL
);

-- One row per grain state. @GrainTypeString carries the name of the grain's persistent state ("user", "bucket"),
-- which is unique per grain class here, so it is stored as state_name. The string key of a string-keyed grain (a conversation, a message bucket) is the extension;
-- '' stands for "none" so that the whole identity can be the primary key.
CREATE TABLE IF NOT EXISTS grain_state
(
    service_id         varchar(150) NOT NULL,
    state_name         varchar(512) NOT NULL,
    grain_id_n0        bigint       NOT NULL,
    grain_id_n1        bigint       NOT NULL,
    grain_id_extension varchar(512) NOT NULL DEFAULT '',
    grain_id_hash      integer      NOT NULL,
    grain_type_hash    integer      NOT NULL,
    payload            bytea,
    version            integer      NOT NULL,
    modified_on        timestamptz  NOT NULL DEFAULT now(),
    PRIMARY KEY (service_id, state_name, grain_id_n0, grain_id_n1, grain_id_extension)
);

-- Inserts the first version, or replaces the payload if the caller holds the current version.
CREATE OR REPLACE FUNCTION write_grain_state(
    _grain_id_hash integer, _grain_id_n0 bigint, _grain_id_n1 bigint, _grain_type_hash integer,
    _state_name varchar, _grain_id_extension varchar, _service_id varchar, _expected_version integer, _payload bytea)
    RETURNS integer
    LANGUAGE plpgsql
AS $$
DECLARE
    _new_version integer;
BEGIN
    IF _expected_version IS NULL THEN
        INSERT INTO grain_state (service_id, state_name, grain_id_n0, grain_id_n1, grain_id_extension,
                                 grain_id_hash, grain_type_hash, payload, version)
        VALUES (_service_id, _state_name, _grain_id_n0, _grain_id_n1, coalesce(_grain_id_extension, ''),
                _grain_id_hash, _grain_type_hash, _payload, 1)
        ON CONFLICT DO NOTHING
        RETURNING version INTO _new_version;
    ELSE
        UPDATE grain_state
        SET payload = _payload, version = version + 1, modified_on = now()
        WHERE service_id = _service_id AND state_name = _state_name
          AND grain_id_n0 = _grain_id_n0 AND grain_id_n1 = _grain_id_n1
          AND grain_id_extension = coalesce(_grain_id_extension, '')
          AND version = _expected_version
        RETURNING version INTO _new_version;
    END IF;
    RETURN _new_version;
END
$$;

INSERT INTO orleansquery (querykey, querytext) VALUES
('WriteToStorageKey', '
    SELECT write_grain_state(@GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash, @GrainTypeString::varchar,
        @GrainIdExtensionString::varchar, @ServiceId::varchar, @GrainStateVersion::integer, @PayloadBinary::bytea) AS NewGrainStateVersion
'),
('ReadFromStorageKey', '
    SELECT payload AS PayloadBinary, version AS Version
    FROM grain_state
    WHERE service_id = @ServiceId AND state_name = @GrainTypeString
      AND grain_id_n0 = @GrainIdN0 AND grain_id_n1 = @GrainIdN1
      AND grain_id_extension = coalesce(@GrainIdExtensionString::varchar, '''')
      AND grain_id_hash = @GrainIdHash AND grain_type_hash = @GrainTypeHash
'),
('ClearStorageKey', '
    UPDATE grain_state
    SET payload = NULL, version = version + 1, modified_on = now()
    WHERE service_id = @ServiceId AND state_name = @GrainTypeString
      AND grain_id_n0 = @GrainIdN0 AND grain_id_n1 = @GrainIdN1
      AND grain_id_extension = coalesce(@GrainIdExtensionString::varchar, '''')
      AND grain_id_hash = @GrainIdHash AND grain_type_hash = @GrainTypeHash
      AND version = @GrainStateVersion::integer
    RETURNING version AS NewGrainStateVersion
'),
('DeleteStorageKey', '
    DELETE FROM grain_state
    WHERE service_id = @ServiceId AND state_name = @GrainTypeString
      AND grain_id_n0 = @GrainIdN0 AND grain_id_n1 = @GrainIdN1
      AND grain_id_extension = coalesce(@GrainIdExtensionString::varchar, '''')
      AND grain_id_hash = @GrainIdHash AND grain_type_hash = @GrainTypeHash
      AND version = @GrainStateVersion::integer
    RETURNING version + 1 AS NewGrainStateVersion
')
ON CONFLICT (querykey) DO UPDATE SET querytext = EXCLUDED.querytext;
