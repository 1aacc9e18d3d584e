using WhatsApp.Grains.Abstractions.Media;
using WhatsApp.Grains.Abstractions.Messages;
using WhatsApp.Grains.Abstractions.Users;

namespace WhatsApp.Gateway.Api;

// Request bodies: every field is nullable so a missing one gets a clear 400 naming it, not a binding failure.

public sealed record RegisterRequest(long? UserId, string? DisplayName, string? Password);

public sealed record LoginRequest(long? UserId, string? Password);

public sealed record SendMessageRequest(long? ToUserId, string? Content, string? ClientMessageId, long? ReplyToSequence, MediaRequest? Media = null);

/// <summary>A message's medium: the id of the sender's finished upload into the conversation, and the preview to carry.</summary>
public sealed record MediaRequest(Guid? UploadId, string? Thumbnail, int? Width, int? Height, int? DurationMs, IReadOnlyList<int>? Waveform)
{
    public MediaAttachment ToAttachment() => new(UploadId ?? Guid.Empty, new MediaPreview(Thumbnail, Width, Height, DurationMs, Waveform));
}

/// <summary>An upload's declaration: the kind of message it is for, the file's type, size in bytes and name.</summary>
public sealed record StartUploadRequest(MessageKind? Kind, string? ContentType, long? Length, string? FileName);

public sealed record MarkReadRequest(long? UpToSequence);

public sealed record CreateGroupRequest(string? Name, IReadOnlyList<long>? MemberIds);

/// <summary>The caller's privacy settings: who sees their online status and last seen.</summary>
public sealed record PrivacySettings(PresenceVisibility? Presence, WhoMayAddToGroups? GroupAdds);

public sealed record RenameGroupRequest(string? Name);

public sealed record AddMembersRequest(IReadOnlyList<long>? UserIds);

public sealed record SendGroupMessageRequest(string? Content, string? ClientMessageId, long? ReplyToSequence, MediaRequest? Media = null);

public sealed record EditMessageRequest(string? Content);

public sealed record ReactionRequest(string? Emoji);

// Responses (JSON camelCase; enums as camelCase strings).

public sealed record AuthResponse(long UserId, string DisplayName, string Token);

/// <summary>
/// A shard: its silo and status ("active" or "down"), its activations, the silo serving it, and its database with that
/// database's status ("up", "down", or "unknown" while no silo can probe it) and round trip; and, once its silo has been
/// down, how its grains moved (<see cref="ShardFailover"/>). Silos are named by name and generation ("shard-1@155535548",
/// a new generation for each start) and databases by number ("database 0"); where they are on the network
/// (<see cref="Addresses"/>) only the operator's port tells.
/// </summary>
public sealed record ShardHealth(
    int Shard, string? Silo, string Status, int Activations, string? ServedBy, string? Database, string DatabaseStatus, double? DatabaseRoundTripMs,
    ShardFailover? Failover = null, ShardAddresses? Addresses = null);

/// <summary>Where a shard's silo, the silo serving it and its database listen (host:port, host:port/database): for operators.</summary>
public sealed record ShardAddresses(string? Silo, string? ServedBy, string? Database);

/// <summary>
/// The shard's last outage as the gateway watched it: how many of its grains were active on another silo meanwhile
/// (moved), how many of those are there still (away), and how many are active on the shard's own silo again (returned).
/// </summary>
public sealed record ShardFailover(int Moved, int Away, int Returned);
