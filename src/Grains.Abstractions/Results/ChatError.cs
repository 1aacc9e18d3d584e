namespace WhatsApp.Grains.Abstractions.Results;

/// <summary>Why a request was refused. Each code maps to one HTTP status at the gateway.</summary>
public enum ChatErrorCode
{
    InvalidUserId = 1,
    InvalidDisplayName,
    InvalidPassword,
    InvalidContent,
    InvalidClientMessageId,
    InvalidConversation,
    InvalidSequence,
    InvalidPaging,
    CannotMessageSelf,
    UserAlreadyRegistered,
    UnknownUser,
    UnknownRecipient,
    WrongCredentials,
    NotParticipant,
    InvalidSearchQuery,
    NoConversation,

    /// <summary>A request the gateway refuses before asking the cluster: a missing field, a limit out of range.</summary>
    InvalidRequest,

    InvalidGroupName,
    UnknownGroup,
    GroupIdTaken,
    NotGroupAdmin,
    GroupFull,
    NotMessageAuthor,
    InvalidReaction,

    /// <summary>The message can no longer be changed: it is past its edit window, deleted, or not a text.</summary>
    MessageNotChangeable,

    /// <summary>No message of this sequence that the caller can read.</summary>
    UnknownMessage,

    /// <summary>No span of the message's path is kept any more: paths are kept for a few minutes after the send.</summary>
    NoMessagePath,

    /// <summary>The user has created as many groups today as one user may in a day.</summary>
    TooManyGroupsToday,

    /// <summary>The other user blocked the caller: no messages to them, no adding them to groups.</summary>
    Blocked,

    /// <summary>No invitation to this group stands for the caller (never sent, declined, expired or withdrawn).</summary>
    NoInvitation,
}

/// <summary>An expected refusal: bad input or a rule of the product. It changed nothing.</summary>
[GenerateSerializer, Immutable, Alias("whatsapp.ChatError")]
public sealed record ChatError([property: Id(0)] ChatErrorCode Code, [property: Id(1)] string Detail);
