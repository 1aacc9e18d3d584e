namespace WhatsApp.Grains;

/// <summary>
/// The stable type names of the grains. They are part of every stored row's key and of every placement decision,
/// so renaming a class never orphans data.
/// </summary>
internal static class GrainTypes
{
    public const string User = "user";
    public const string UserDirectory = "userdirectory";
    public const string Conversation = "conversation";
    public const string ShardDatabase = "sharddatabase";
    public const string Group = "group";
    public const string SiloSpans = "silospans";
    public const string SignInGuard = "signinguard";
    public const string MediaUpload = "mediaupload";
    public const string Media = "media";

    /// <summary>Grains whose integer key is itself the shard key (a user id, a group id, a shard number).</summary>
    public static bool HasIntegerShardKey(GrainType type) =>
        type.Equals(GrainType.Create(User)) || type.Equals(GrainType.Create(UserDirectory)) || type.Equals(GrainType.Create(ShardDatabase))
        || type.Equals(GrainType.Create(Group)) || type.Equals(GrainType.Create(SiloSpans)) || type.Equals(GrainType.Create(SignInGuard))
        || type.Equals(GrainType.Create(Media));

    /// <summary>The grains that live on their key's shard: every grain the product places, and none of Orleans' own.</summary>
    public static bool IsSharded(GrainType type) =>
        HasIntegerShardKey(type) || type.Equals(GrainType.Create(Conversation)) || type.Equals(GrainType.Create(MediaUpload));
}

/// <summary>The grain storage provider every grain of the product writes to.</summary>
public static class StorageNames
{
    public const string Chat = "chat";
}
