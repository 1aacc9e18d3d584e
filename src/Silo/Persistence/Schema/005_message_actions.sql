-- Message actions: a reply names the message it quotes (read with it, so a deleted quote shows as deleted); an edit
-- replaces the content and says when; reactions are one per user, kept on the message row as {"userId":"emoji"} and
-- changed in place by one statement each, so concurrent reactions never overwrite each other. Deleting for everyone
-- turns the row into a tombstone (kind 2, empty content, no reactions) that keeps its sequence.
ALTER TABLE chat_message ADD COLUMN IF NOT EXISTS reply_to bigint;
ALTER TABLE chat_message ADD COLUMN IF NOT EXISTS edited_at timestamptz;
ALTER TABLE chat_message ADD COLUMN IF NOT EXISTS reactions jsonb;
