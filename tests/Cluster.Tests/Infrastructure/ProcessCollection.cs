namespace WhatsApp.Cluster.Tests.Infrastructure;

/// <summary>
/// Tests that start real silo or gateway processes. They run alone, after the in-process clusters: on two cores, a
/// process starting beside three in-process clusters can take long enough to look dead to its own cluster.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessCollection
{
    public const string Name = "processes";
}
