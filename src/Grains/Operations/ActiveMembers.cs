namespace WhatsApp.Grains.Operations;

internal static class ActiveMembers
{
    /// <summary>The silos this silo counts as active: its own view, kept by the membership protocol, with no read of the membership table.</summary>
    public static IEnumerable<ClusterMember> Active(this IClusterMembershipService membership) =>
        membership.CurrentSnapshot.Members.Values.Where(member => member.Status == SiloStatus.Active);
}
