-- Each participant's delivered and read marks in a conversation, one row each in the conversation's database: a mark
-- moving forward rewrites its own row, not a state holding every member's marks (a group's has up to 1,024). The
-- conversation reads its rows when it activates; the reader's chat-list line keeps a copy for the unread count.
CREATE TABLE IF NOT EXISTS conversation_mark
(
    service_id      varchar(150) NOT NULL,
    conversation_id varchar(40)  NOT NULL,
    user_id         bigint       NOT NULL,
    delivered_up_to bigint       NOT NULL,
    read_up_to      bigint       NOT NULL,
    PRIMARY KEY (service_id, conversation_id, user_id)
);
