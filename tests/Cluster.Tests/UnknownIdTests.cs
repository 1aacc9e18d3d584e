using WhatsApp.Cluster.Tests.Infrastructure;
using WhatsApp.Grains.Abstractions.Groups;
using WhatsApp.Grains.Abstractions.Results;
using WhatsApp.Grains.Abstractions.Users;
using WhatsApp.Testing;

namespace WhatsApp.Cluster.Tests;

/// <summary>
/// Ids nobody registered cost a directory query, not an activation each: a request naming a thousand of them must not
/// fill the silos with grains or the database pool with their state reads.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class UnknownIdTests(PostgresFixture postgres)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Group_NamingAThousandUnknownIds_IsRefusedFromTheDirectory_WithoutActivatingOneOfTheirGrains()
    {
        var cluster = await postgres.SharedClusterAsync();
        var (admin, member) = await cluster.Grains.RegisterPairAsync();
        var strangers = Enumerable.Range(0, 1_000).Select(_ => TestIds.User()).ToList();

        var created = await cluster.Grains.GetGrain<IGroupGrain>(TestIds.User()).CreateAsync(admin, "Spam", [member, .. strangers]);

        Assert.Equal(ChatErrorCode.UnknownUser, created.Error?.Code);
        Assert.Empty(await ActiveUserGrainsAmongAsync(cluster, strangers));
    }

    [Fact]
    public async Task Lookups_OfUnknownIds_AnswerNobody_AndTheirActivationsGoAtOnce()
    {
        var cluster = await postgres.SharedClusterAsync();
        var strangers = Enumerable.Range(0, 20).Select(_ => TestIds.User()).ToList();

        foreach (var stranger in strangers)
        {
            Assert.Null(await cluster.Grains.GetGrain<IUserGrain>(stranger).GetProfileSeenByAsync(TestIds.User()));
            Assert.Null(await cluster.Grains.GetGrain<IUserGrain>(stranger).GetCredentialsAsync());
        }

        await Eventually.ReturnsAsync(() => ActiveUserGrainsAmongAsync(cluster, strangers), active => active.Count == 0, Bound, "the unknown ids' activations gone");

        // The id stays free to take: registering it after a lookup works as ever.
        await cluster.Grains.RegisterAsync(strangers[0]);
        Assert.NotNull(await cluster.Grains.GetGrain<IUserGrain>(strangers[0]).GetProfileAsync());
    }

    private static async Task<IReadOnlyList<long>> ActiveUserGrainsAmongAsync(ChatTestCluster cluster, IReadOnlyCollection<long> userIds)
    {
        var userGrainType = cluster.Grains.GetGrain<IUserGrain>(userIds.First()).GetGrainId().Type;
        var active = await cluster.Grains.GetGrain<IManagementGrain>(0).GetActiveGrains(userGrainType);
        var wanted = userIds.ToHashSet();
        return [.. active.Select(grain => grain.GetIntegerKey()).Where(wanted.Contains)];
    }
}
