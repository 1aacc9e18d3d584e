-- The second version's storage: what one send writes is one message row and the two participants' chat-list rows,
-- never a whole state that grows with the history, the number of chats or the number of users.
-- Every table carries the Orleans service id first, like grain_state, so several clusters may share one database.

-- One row per message. The primary key gives history reads by index range and makes a stale sequence impossible to
-- store twice; the unique key on the sender's clientMessageId makes deduplication exact for as long as the message
-- exists.
CREATE TABLE IF NOT EXISTS chat_message
(
    service_id        varchar(150) NOT NULL,
    conversation_id   varchar(40)  NOT NULL,
    sequence          bigint       NOT NULL,
    from_user_id      bigint       NOT NULL,
    client_message_id varchar(64),
    content           text         NOT NULL,
    created_at        timestamptz  NOT NULL,
    PRIMARY KEY (service_id, conversation_id, sequence)
);

CREATE UNIQUE INDEX IF NOT EXISTS chat_message_client_message_id
    ON chat_message (service_id, conversation_id, from_user_id, client_message_id)
    WHERE client_message_id IS NOT NULL;

-- One row per (user, conversation): the line of the user's chat list. A send upserts the two participants' rows;
-- read and delivered marks update the reader's row. Paged newest first through chat_list_newest.
CREATE TABLE IF NOT EXISTS chat_list_entry
(
    service_id        varchar(150) NOT NULL,
    user_id           bigint       NOT NULL,
    conversation_id   varchar(40)  NOT NULL,
    last_sequence     bigint       NOT NULL,
    last_from_user_id bigint       NOT NULL,
    last_preview      text         NOT NULL,
    last_created_at   timestamptz  NOT NULL,
    last_own_sequence bigint       NOT NULL DEFAULT 0,
    read_up_to        bigint       NOT NULL DEFAULT 0,
    delivered_up_to   bigint       NOT NULL DEFAULT 0,
    PRIMARY KEY (service_id, user_id, conversation_id)
);

CREATE INDEX IF NOT EXISTS chat_list_newest
    ON chat_list_entry (service_id, user_id, last_created_at DESC, conversation_id DESC);

-- The directory: one row per registered user, searched by number prefix and by name prefix (case-insensitive).
CREATE TABLE IF NOT EXISTS chat_user
(
    service_id    varchar(150) NOT NULL,
    user_id       bigint       NOT NULL,
    display_name  varchar(64)  NOT NULL,
    registered_at timestamptz  NOT NULL DEFAULT now(),
    PRIMARY KEY (service_id, user_id)
);

CREATE INDEX IF NOT EXISTS chat_user_number_prefix
    ON chat_user (service_id, (user_id::text) text_pattern_ops);

CREATE INDEX IF NOT EXISTS chat_user_name_prefix
    ON chat_user (service_id, lower(display_name) text_pattern_ops);
