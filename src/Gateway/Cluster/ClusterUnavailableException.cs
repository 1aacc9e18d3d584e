namespace WhatsApp.Gateway.Cluster;

/// <summary>The cluster did not answer within the retry budget; the API answers 503.</summary>
public sealed class ClusterUnavailableException(Exception innerException)
    : Exception("The chat cluster is not reachable right now.", innerException);
