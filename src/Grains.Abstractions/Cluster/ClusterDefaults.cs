namespace WhatsApp.Grains.Abstractions.Cluster;

/// <summary>
/// What silos and gateways must agree on to find each other and keep in touch, in one place: the configuration keys,
/// and the defaults both use when a key is not set.
/// </summary>
public static class ClusterDefaults
{
    public const string ClusterIdKey = "Orleans:ClusterId";
    public const string ServiceIdKey = "Orleans:ServiceId";
    public const string RedisKey = "ConnectionStrings:Redis";

    /// <summary>The key of how long a user grain keeps a gateway's listener that has not renewed (Chat:ObserverExpiry).</summary>
    public const string ObserverExpiryKey = "Chat:ObserverExpiry";

    public const string ClusterId = "whatsapp";
    public const string ServiceId = "whatsapp";
    public const string Redis = "127.0.0.1:6379";

    /// <summary>Gateways renew their listeners well within this (Gateway:ObserverRenewInterval at most a third of it).</summary>
    public static readonly TimeSpan ObserverExpiry = TimeSpan.FromMinutes(2);
}
