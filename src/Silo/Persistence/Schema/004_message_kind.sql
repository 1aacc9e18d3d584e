-- Groups: a message row is either text or a change of its group ("Ada added Bob"), whose content is the change as
-- JSON. A group's conversation rebuilds who may read what from its change rows, found through the partial index
-- without reading its text messages. A chat-list line whose newest message is a change says so, to be shown as one.
ALTER TABLE chat_message ADD COLUMN IF NOT EXISTS kind smallint NOT NULL DEFAULT 0;
ALTER TABLE chat_list_entry ADD COLUMN IF NOT EXISTS last_kind smallint NOT NULL DEFAULT 0;

CREATE INDEX IF NOT EXISTS chat_message_group_changes
    ON chat_message (service_id, conversation_id, sequence)
    WHERE kind = 1;
