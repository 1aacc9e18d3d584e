namespace WhatsApp.Benchmarks.Measurement;

/// <summary>
/// What the deployment and the load generator spent over a load window, or per acknowledged send of it: CPU time by
/// role, and the messages the Orleans runtimes sent (absent when a process's metrics could not be read).
/// </summary>
/// <param name="OrleansMessages">Every Orleans message sent: over a connection, or looped back to an activation of the same silo.</param>
/// <param name="OrleansNetworkMessages">The part of them written to a connection (client to silo, silo to client, silo to silo).</param>
/// <param name="SiloCpuMilliseconds">User and system CPU time of the silo processes.</param>
/// <param name="GatewayCpuMilliseconds">Of the gateway processes.</param>
/// <param name="PostgresCpuMilliseconds">Of every PostgreSQL server: the postmaster, its backends and helpers.</param>
/// <param name="RedisCpuMilliseconds">Of redis-server.</param>
/// <param name="LoadGeneratorCpuMilliseconds">Of the benchmark process itself, which shares the cores with the deployment.</param>
public sealed record ResourceUse(
    double? OrleansMessages,
    double? OrleansNetworkMessages,
    double SiloCpuMilliseconds,
    double GatewayCpuMilliseconds,
    double PostgresCpuMilliseconds,
    double RedisCpuMilliseconds,
    double LoadGeneratorCpuMilliseconds)
{
    /// <summary>Every process of the deployment: silos, gateways, PostgreSQL and Redis; not the load generator.</summary>
    public double DeploymentCpuMilliseconds => SiloCpuMilliseconds + GatewayCpuMilliseconds + PostgresCpuMilliseconds + RedisCpuMilliseconds;

    /// <summary>The same spread over a number of sends; absent when there were none.</summary>
    public ResourceUse? Per(int sends) => sends <= 0 ? null : new ResourceUse(
        OrleansMessages / sends,
        OrleansNetworkMessages / sends,
        SiloCpuMilliseconds / sends,
        GatewayCpuMilliseconds / sends,
        PostgresCpuMilliseconds / sends,
        RedisCpuMilliseconds / sends,
        LoadGeneratorCpuMilliseconds / sends);
}
