namespace WhatsApp.Gateway.Api;

// Request bodies: every field is nullable so a missing one gets a clear 400 naming it, not a binding failure.

public sealed record RegisterRequest(long? UserId, string? DisplayName, string? Password);

public sealed record LoginRequest(long? UserId, string? Password);

public sealed record SendMessageRequest(long? ToUserId, string? Content, string? ClientMessageId);

public sealed record MarkReadRequest(long? UpToSequence);

// Responses (JSON camelCase; enums as camelCase strings).

public sealed record AuthResponse(long UserId, string DisplayName, string Token);

public sealed record ShardHealth(int Shard, string? Silo, string Status, int Activations, string? ServedBy);
