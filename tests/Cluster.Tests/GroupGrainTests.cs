using WhatsApp.Cluster.Tests.Infrastructure;
using WhatsApp.Grains;
using WhatsApp.Grains.Abstractions.Groups;
using WhatsApp.Grains.Abstractions.Ids;
using WhatsApp.Grains.Abstractions.Results;
using WhatsApp.Testing;

namespace WhatsApp.Cluster.Tests;

/// <summary>Group membership as the group grain keeps it: who may see and change a group, and its limits.</summary>
[Collection(PostgresCollection.Name)]
public sealed class GroupGrainTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Create_WithMembers_MakesTheCreatorTheFirstAdminAndLivesOnTheGroupIdsShard()
    {
        var cluster = await postgres.SharedClusterAsync();
        var (ada, bob) = await cluster.Grains.RegisterPairAsync();
        var group = NewGroup(cluster, shard: 2);

        var created = await group.CreateAsync(ada, "  Book club  ", [bob, ada]);

        Assert.True(created.IsSuccess, created.Error?.Detail);
        Assert.Equal("Book club", created.Value!.Name);
        Assert.Equal([(ada, true), (bob, false)], created.Value!.Members.Select(member => (member.UserId, member.IsAdmin)));
        Assert.Equal(2, await cluster.ShardHostingAsync(group));
        var seenByBob = (await group.GetAsync(bob)).Value!;
        Assert.Equal((created.Value!.Name, created.Value!.CreatedBy), (seenByBob.Name, seenByBob.CreatedBy));
        Assert.Equal(created.Value!.Members, seenByBob.Members);
    }

    [Fact]
    public async Task Create_IdInUseOrUnregisteredMemberOrBadName_IsRefusedAndChangesNothing()
    {
        var cluster = await postgres.SharedClusterAsync();
        var (ada, bob) = await cluster.Grains.RegisterPairAsync();
        var group = NewGroup(cluster);
        var nobody = TestIds.User();

        Assert.Equal(ChatErrorCode.UnknownUser, (await group.CreateAsync(ada, "Club", [bob, nobody])).Error?.Code);
        Assert.Equal(ChatErrorCode.InvalidGroupName, (await group.CreateAsync(ada, " ", [bob])).Error?.Code);
        Assert.Equal(ChatErrorCode.UnknownGroup, (await group.GetAsync(ada)).Error?.Code);

        Assert.True((await group.CreateAsync(ada, "Club", [bob])).IsSuccess);
        Assert.Equal(ChatErrorCode.GroupIdTaken, (await group.CreateAsync(bob, "Taken over", [])).Error?.Code);
        Assert.Equal("Club", (await group.GetAsync(bob)).Value!.Name);
    }

    [Fact]
    public async Task Create_BeyondTheCreatorsDailyCap_IsRefusedAndCreatesNothing_AnotherCreatorStillCreates()
    {
        var cluster = await postgres.SharedClusterAsync();
        var (ada, bob) = await cluster.Grains.RegisterPairAsync();
        var dailyCap = new ChatOptions().MaxGroupsCreatedPerDay;
        for (var i = 0; i < dailyCap; i++)
        {
            var created = await cluster.Grains.GetGrain<IGroupGrain>(TestIds.User()).CreateAsync(ada, $"Group {i}", [bob]);
            Assert.True(created.IsSuccess, created.Error?.Detail);
        }

        var refusedGroup = cluster.Grains.GetGrain<IGroupGrain>(TestIds.User());
        var refused = await refusedGroup.CreateAsync(ada, "One too many", [bob]);

        Assert.Equal(ChatErrorCode.TooManyGroupsToday, refused.Error?.Code);
        Assert.Equal(ChatErrorCode.UnknownGroup, (await refusedGroup.GetAsync(bob)).Error?.Code);
        Assert.True((await cluster.Grains.GetGrain<IGroupGrain>(TestIds.User()).CreateAsync(bob, "Bob's own", [ada])).IsSuccess);
    }

    [Fact]
    public async Task NonMember_IsRefusedEverythingTheMemberListIncluded()
    {
        var cluster = await postgres.SharedClusterAsync();
        var (ada, bob) = await cluster.Grains.RegisterPairAsync();
        var (carol, _) = await cluster.Grains.RegisterPairAsync();
        var group = NewGroup(cluster);
        await group.CreateAsync(ada, "Club", [bob]);

        Assert.Equal(ChatErrorCode.NotParticipant, (await group.GetAsync(carol)).Error?.Code);
        Assert.Equal(ChatErrorCode.NotParticipant, (await group.RenameAsync(carol, "Mine")).Error?.Code);
        Assert.Equal(ChatErrorCode.NotParticipant, (await group.AddMembersAsync(carol, [carol])).Error?.Code);
        Assert.Equal(ChatErrorCode.NotParticipant, (await group.RemoveMemberAsync(carol, bob)).Error?.Code);
        Assert.Equal(ChatErrorCode.NotParticipant, (await group.RemoveMemberAsync(carol, carol)).Error?.Code);
        Assert.Equal(ChatErrorCode.NotParticipant, (await group.PromoteAsync(carol, carol)).Error?.Code);
        Assert.Equal([ada, bob], (await group.GetAsync(ada)).Value!.Members.Select(member => member.UserId));
        Assert.Equal("Club", (await group.GetAsync(ada)).Value!.Name);
    }

    [Fact]
    public async Task MemberWhoIsNotAdmin_MayLeaveButNotAddRemovePromoteOrRename()
    {
        var cluster = await postgres.SharedClusterAsync();
        var (ada, bob) = await cluster.Grains.RegisterPairAsync();
        var (carol, dan) = await cluster.Grains.RegisterPairAsync();
        var group = NewGroup(cluster);
        await group.CreateAsync(ada, "Club", [bob, carol]);

        Assert.Equal(ChatErrorCode.NotGroupAdmin, (await group.AddMembersAsync(bob, [dan])).Error?.Code);
        Assert.Equal(ChatErrorCode.NotGroupAdmin, (await group.RemoveMemberAsync(bob, carol)).Error?.Code);
        Assert.Equal(ChatErrorCode.NotGroupAdmin, (await group.PromoteAsync(bob, bob)).Error?.Code);
        Assert.Equal(ChatErrorCode.NotGroupAdmin, (await group.RenameAsync(bob, "Bob's")).Error?.Code);

        var left = await group.RemoveMemberAsync(bob, bob);
        Assert.Equal([ada, carol], left.Value!.Members.Select(member => member.UserId));
        Assert.Equal(ChatErrorCode.NotParticipant, (await group.GetAsync(bob)).Error?.Code);
    }

    [Fact]
    public async Task Admin_AddsRemovesPromotesAndRenames_AndTheChangesSurviveReactivation()
    {
        var cluster = await postgres.SharedClusterAsync();
        var (ada, bob) = await cluster.Grains.RegisterPairAsync();
        var (carol, dan) = await cluster.Grains.RegisterPairAsync();
        var group = NewGroup(cluster);
        await group.CreateAsync(ada, "Club", [bob]);

        await group.AddMembersAsync(ada, [carol, dan, bob]);
        await group.PromoteAsync(ada, carol);
        await group.RemoveMemberAsync(carol, dan);
        await group.RenameAsync(carol, "Reading club");
        await cluster.Cluster.DeactivateAsync(group);

        var view = (await group.GetAsync(bob)).Value!;
        Assert.Equal("Reading club", view.Name);
        Assert.Equal([(ada, true), (bob, false), (carol, true)], view.Members.Select(member => (member.UserId, member.IsAdmin)));
    }

    [Fact]
    public async Task LastAdmin_Leaving_MakesTheLongestStandingMemberAdmin()
    {
        var cluster = await postgres.SharedClusterAsync();
        var (ada, bob) = await cluster.Grains.RegisterPairAsync();
        var (carol, _) = await cluster.Grains.RegisterPairAsync();
        var group = NewGroup(cluster);
        await group.CreateAsync(ada, "Club", [bob, carol]);

        var after = (await group.RemoveMemberAsync(ada, ada)).Value!;

        Assert.Equal([(bob, true), (carol, false)], after.Members.Select(member => (member.UserId, member.IsAdmin)));
    }

    [Fact]
    public async Task AddMembers_BeyondOneThousandAndTwentyFour_IsRefusedAndAddsNobody()
    {
        var cluster = await postgres.SharedClusterAsync();
        var (ada, bob) = await cluster.Grains.RegisterPairAsync();
        var group = NewGroup(cluster);
        await group.CreateAsync(ada, "Big", [bob]);
        var many = Enumerable.Range(0, GroupLimits.MaxMembers - 2).Select(_ => TestIds.User()).ToList();
        // A few at a time: a thousand activations at once would wait on the database pool beside the other collections.
        await Parallel.ForEachAsync(many, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (userId, _) => await cluster.Grains.RegisterAsync(userId));
        var (extra, _) = await cluster.Grains.RegisterPairAsync();

        Assert.Equal(GroupLimits.MaxMembers, (await group.AddMembersAsync(ada, many)).Value!.Members.Count);
        var refused = await group.AddMembersAsync(ada, [extra]);

        Assert.Equal(ChatErrorCode.GroupFull, refused.Error?.Code);
        Assert.Equal(GroupLimits.MaxMembers, (await group.GetAsync(ada)).Value!.Members.Count);
        Assert.Equal(ChatErrorCode.NotParticipant, (await group.GetAsync(extra)).Error?.Code);
    }

    /// <summary>A group grain with a fresh id, optionally one of a given shard.</summary>
    private static IGroupGrain NewGroup(ChatTestCluster cluster, int? shard = null)
    {
        var id = TestIds.User();
        while (shard is { } wanted && Shards.Of(id, ChatTestCluster.ShardCount) != wanted)
        {
            id = TestIds.User();
        }

        return cluster.Grains.GetGrain<IGroupGrain>(id);
    }
}
