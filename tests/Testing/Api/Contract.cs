using System.Text.Json;
using System.Text.Json.Serialization;

namespace WhatsApp.Testing.Api;

// The public contract as a client sees it (DESIGN.md), written independently of the server's types so that a change
// of the wire format breaks these tests.

public sealed record AuthResponse(long UserId, string DisplayName, string Token);

public sealed record Message(
    string Id, string ConversationId, long Sequence, long FromUserId, long? ToUserId, string Content,
    string? ClientMessageId, DateTimeOffset CreatedAt, int Shard, string Status,
    long? GroupId = null, string Kind = "text", GroupChangeView? Change = null,
    long? ReplyTo = null, QuoteView? Quote = null, DateTimeOffset? EditedAt = null, List<ReactionView>? Reactions = null, MediaView? Media = null);

/// <summary>A photo's, document's or voice note's medium as a message carries it.</summary>
public sealed record MediaView(
    string Sha256, string ContentType, long Length, string FileName,
    string? Thumbnail = null, int? Width = null, int? Height = null, int? DurationMs = null, List<int>? Waveform = null);

/// <summary>Where an upload stands.</summary>
public sealed record UploadView(Guid UploadId, string ConversationId, string Kind, string ContentType, string FileName, long Length, long Received, int ChunkSize, bool Complete);

public sealed record QuoteView(long Sequence, long FromUserId, string Preview, string Kind);

public sealed record ReactionView(long UserId, string Emoji);

/// <summary>The hub's "messageChanged" event: a message as it stands after an edit, a delete or a reaction.</summary>
public sealed record MessageChangedEvent(Message Message);

public sealed record GroupChangeView(string Kind, long ActorId, List<long> UserIds, string? Name);

public sealed record MessageInfoView(string ConversationId, long Sequence, List<long> ReadBy, List<long> DeliveredTo, List<long> Pending);

public sealed record HistoryPage(string ConversationId, IReadOnlyList<Message> Messages, bool HasMore);

public sealed record UserView(long UserId, string DisplayName, int Shard, bool? Online, DateTimeOffset? LastSeen);

public sealed record ConversationView(
    string ConversationId, UserView? Peer, Message LastMessage, long UnreadCount, long? GroupId = null, GroupSummaryView? Group = null);

public sealed record GroupSummaryView(long GroupId, string Name, bool IsMember);

public sealed record ReceiptEvent(string ConversationId, long UserId, string Kind, long UpToSequence);

public sealed record TypingEvent(string ConversationId, long UserId, bool IsTyping);

public sealed record PresenceEvent(long UserId, bool Online, DateTimeOffset? LastSeen, bool Hidden = false);

/// <summary>The hub's payload-less "resync" event: catch up, events may have been lost with a silo.</summary>
public sealed record ResyncEvent;

public sealed record ShardView(
    int Shard, string? Silo, string Status, int Activations, string? ServedBy, string? Database, string DatabaseStatus, double? DatabaseRoundTripMs,
    ShardAddressesView? Addresses = null);

public sealed record ShardAddressesView(string? Silo, string? ServedBy, string? Database);

public sealed record Problem(string? Title, int Status, string? Detail, string? Code);

public sealed record GatewayHealth(string Status, int ActiveSilos, string? Reason);

public static class ContractJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        NumberHandling = JsonNumberHandling.Strict,
    };
}

public sealed record GroupView(long GroupId, string Name, long CreatedBy, DateTimeOffset CreatedAt, List<GroupMemberView> Members, List<long>? Invited = null);

public sealed record GroupInvitationView(long GroupId, string GroupName, long InvitedBy, DateTimeOffset ExpiresAt);

public sealed record GroupMemberView(long UserId, bool IsAdmin, DateTimeOffset JoinedAt);
