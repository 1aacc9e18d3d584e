-- The third version's storage: with a database per shard, a send's message rows go to the conversation's shard
-- database and each participant's chat-list line to the participant's. When a participant's database cannot take
-- the line (it is down), the conversation's own commit still stands and notes the line here, in the conversation's
-- database; the silo of that shard rewrites the line from the conversation once the other database is back.
CREATE TABLE IF NOT EXISTS chat_list_stale_line
(
    service_id      varchar(150) NOT NULL,
    conversation_id varchar(40)  NOT NULL,
    user_id         bigint       NOT NULL,
    noted_at        timestamptz  NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (service_id, conversation_id, user_id)
);
