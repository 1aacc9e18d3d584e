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

    /// <summary>A file larger than its kind allows, or than its upload declared.</summary>
    MediaTooLarge,

    /// <summary>A file whose leading bytes are not of the type its upload declared (or a type its kind does not take).</summary>
    UnsupportedMediaType,

    /// <summary>A declaration or a preview that does not hold together (a length, a name, a thumbnail, a duration).</summary>
    InvalidMedia,

    /// <summary>No upload of this id that the caller owns in this conversation.</summary>
    UnknownUpload,

    /// <summary>A chunk that does not start where the upload stands; the detail says where that is.</summary>
    UploadOffsetMismatch,

    /// <summary>A send names an upload that has not received all its bytes yet.</summary>
    UploadIncomplete,

    /// <summary>The message has no medium (it is a text, or deleted), or its medium is no longer stored.</summary>
    UnknownMedia,
}

/// <summary>An expected refusal: bad input or a rule of the product. It changed nothing.</summary>
[GenerateSerializer, Immutable, Alias("whatsapp.ChatError")]
public sealed record ChatError([property: Id(0)] ChatErrorCode Code, [property: Id(1)] string Detail);
