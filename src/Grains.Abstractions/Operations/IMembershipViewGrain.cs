namespace WhatsApp.Grains.Abstractions.Operations;

/// <summary>
/// The cluster's active silos as the answering silo knows them: its own view, which the membership protocol keeps, not
/// a read of the membership table. So it answers while the membership store (Redis) is away, when the management
/// grain's answers (which read the table first) time out.
/// </summary>
public interface IMembershipViewGrain : IGrainWithIntegerKey
{
    Task<IReadOnlyList<ActiveSilo>> ActiveSilosAsync();
}

/// <summary>A silo the cluster counts as active, and its name (which carries its shard).</summary>
[GenerateSerializer, Immutable, Alias("whatsapp.ActiveSilo")]
public sealed record ActiveSilo(
    [property: Id(0)] SiloAddress Address,
    [property: Id(1)] string Name);
