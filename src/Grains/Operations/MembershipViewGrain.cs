using Orleans.Concurrency;
using WhatsApp.Grains.Abstractions.Operations;

namespace WhatsApp.Grains.Operations;

/// <summary>The answering silo's own view of the cluster's members. Stateless: any silo answers.</summary>
[StatelessWorker(1)]
public sealed class MembershipViewGrain(IClusterMembershipService membership) : Grain, IMembershipViewGrain
{
    public Task<IReadOnlyList<ActiveSilo>> ActiveSilosAsync() =>
        Task.FromResult<IReadOnlyList<ActiveSilo>>([.. membership.Active().Select(member => new ActiveSilo(member.SiloAddress, member.Name))]);
}
