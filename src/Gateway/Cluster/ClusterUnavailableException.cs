namespace WhatsApp.Gateway.Cluster;

/// <summary>What was not reachable: the silos (after the retry budget), or the database behind them.</summary>
public enum ClusterOutage
{
    Silos,
    Storage,
}

/// <summary>The cluster could not serve a call for a reason that passes by itself; the API answers 503 with Retry-After.</summary>
public sealed class ClusterUnavailableException(ClusterOutage outage, Exception innerException)
    : Exception(outage == ClusterOutage.Storage ? "The chat's storage is not reachable right now." : "The chat cluster is not reachable right now.", innerException)
{
    public ClusterOutage Outage => outage;
}
