using Microsoft.Extensions.DependencyInjection;
using WhatsApp.Cluster.Tests.Infrastructure;
using WhatsApp.Grains.Abstractions.Conversations;
using WhatsApp.Grains.Abstractions.Groups;
using WhatsApp.Grains.Abstractions.Ids;
using WhatsApp.Grains.Abstractions.Messages;
using WhatsApp.Grains.Abstractions.Realtime;
using WhatsApp.Grains.Abstractions.Results;
using WhatsApp.Grains.Abstractions.Users;
using WhatsApp.Testing;

namespace WhatsApp.Cluster.Tests;

/// <summary>
/// Who may put a user into a group: everyone, or only their contacts while others invite them; and someone who left by
/// themself comes back only by accepting. The group decides every join; the user's list of invitations follows it.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class GroupInvitationTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Create_NamingSomeoneWhoLetsOnlyContactsAddThem_InvitesThem_TheyReadNothingUntilTheyAccept()
    {
        var cluster = await postgres.SharedClusterAsync();
        var (stranger, bob) = await cluster.Grains.RegisterPairAsync();
        await cluster.Grains.GetGrain<IUserGrain>(bob).SetWhoMayAddToGroupsAsync(WhoMayAddToGroups.Contacts);
        await using var bobsPhone = await ObservedDevice.ConnectAsync(cluster, bob);
        var (groupId, group, conversation) = NewGroup(cluster);

        var created = await group.CreateAsync(stranger, "Offers", [bob]);

        Assert.True(created.IsSuccess, created.Error?.Detail);
        Assert.Equal([stranger], created.Value!.Members.Select(member => member.UserId));
        Assert.Equal([bob], created.Value!.Invited);
        var pushed = await bobsPhone.NextAsync<GroupInvitationPush>();
        Assert.Equal((groupId, "Offers", stranger), (pushed.Invitation.GroupId, pushed.Invitation.GroupName, pushed.Invitation.InvitedBy));
        Assert.True(pushed.Invitation.ExpiresAt > DateTimeOffset.UtcNow + GroupLimits.InvitationLifetime - TimeSpan.FromMinutes(5));
        Assert.Equal([groupId], (await cluster.Grains.GetGrain<IUserGrain>(bob).GetGroupInvitationsAsync()).Select(invitation => invitation.GroupId));
        Assert.True((await conversation.SendAsync(stranger, "buy now", null)).IsSuccess);
        Assert.Equal(ChatErrorCode.NotParticipant, (await conversation.GetHistoryAsync(bob, null, 50)).Error?.Code);
        Assert.DoesNotContain(await cluster.Grains.ChatListAsync(bob), line => line.ConversationId == ConversationId.Group(groupId).ToString());

        var joined = await group.AcceptInvitationAsync(bob);

        Assert.True(joined.IsSuccess, joined.Error?.Detail);
        Assert.Equal([stranger, bob], joined.Value!.Members.Select(member => member.UserId));
        Assert.Empty(joined.Value!.Invited);
        Assert.Empty(await cluster.Grains.GetGrain<IUserGrain>(bob).GetGroupInvitationsAsync());
        var bobReads = await conversation.HistoryAsync(bob);
        Assert.Equal(GroupChangeKind.Joined, Assert.Single(bobReads).Change!.Kind);
        Assert.Equal(bob, bobReads[0].Change!.ActorId);
        Assert.True((await conversation.SendAsync(stranger, "welcome", null)).IsSuccess);
        Assert.Equal("welcome", (await bobsPhone.NextAsync<ChatMessage>(message => message.Kind == MessageKind.Text)).Content);
    }

    [Fact]
    public async Task Add_BySomeoneTheyWroteTo_AddsThemAtOnce_EvenWhenOnlyContactsMayAddThem()
    {
        var cluster = await postgres.SharedClusterAsync();
        var (ada, bob) = await cluster.Grains.RegisterPairAsync();
        await cluster.Grains.GetGrain<IUserGrain>(bob).SetWhoMayAddToGroupsAsync(WhoMayAddToGroups.Contacts);
        await cluster.Grains.SendAsync(bob, ada, "hi Ada");
        var (_, group, _) = NewGroup(cluster);

        var created = await group.CreateAsync(ada, "Friends", [bob]);

        Assert.Equal([ada, bob], created.Value!.Members.Select(member => member.UserId));
        Assert.Empty(created.Value!.Invited);
        Assert.Empty(await cluster.Grains.GetGrain<IUserGrain>(bob).GetGroupInvitationsAsync());
    }

    [Fact]
    public async Task AddAgain_SomeoneWhoLeftByThemself_InvitesThemInsteadOfAddingThem()
    {
        var cluster = await postgres.SharedClusterAsync();
        var (ada, bob) = await cluster.Grains.RegisterPairAsync();
        var (groupId, group, _) = NewGroup(cluster);
        await group.CreateAsync(ada, "Club", [bob]);
        await group.RemoveMemberAsync(bob, bob);

        var readded = await group.AddMembersAsync(ada, [bob]);

        Assert.Equal([ada], readded.Value!.Members.Select(member => member.UserId));
        Assert.Equal([bob], readded.Value!.Invited);
        Assert.Equal([groupId], (await cluster.Grains.GetGrain<IUserGrain>(bob).GetGroupInvitationsAsync()).Select(invitation => invitation.GroupId));
        Assert.True((await group.AcceptInvitationAsync(bob)).IsSuccess);
        Assert.Equal([ada, bob], (await group.GetAsync(ada)).Value!.Members.Select(member => member.UserId));
    }

    [Fact]
    public async Task Decline_TakesTheInvitationFromBothSides_AcceptingAfterwardsIsRefusedAndJoinsNobody()
    {
        var cluster = await postgres.SharedClusterAsync();
        var (ada, bob) = await cluster.Grains.RegisterPairAsync();
        await cluster.Grains.GetGrain<IUserGrain>(bob).SetWhoMayAddToGroupsAsync(WhoMayAddToGroups.Contacts);
        var (_, group, _) = NewGroup(cluster);
        await group.CreateAsync(ada, "Club", [bob]);
        var carol = TestIds.User();
        await cluster.Grains.RegisterAsync(carol);

        await group.DeclineInvitationAsync(bob);

        Assert.Empty((await group.GetAsync(ada)).Value!.Invited);
        Assert.Empty(await cluster.Grains.GetGrain<IUserGrain>(bob).GetGroupInvitationsAsync());
        Assert.Equal(ChatErrorCode.NoInvitation, (await group.AcceptInvitationAsync(bob)).Error?.Code);
        Assert.Equal(ChatErrorCode.NoInvitation, (await group.AcceptInvitationAsync(carol)).Error?.Code);
        Assert.Equal([ada], (await group.GetAsync(ada)).Value!.Members.Select(member => member.UserId));
    }

    [Fact]
    public async Task Invitation_StandsForItsLifetime_ThenExpiresOnBothSides_AndInvitingAgainRenewsIt()
    {
        var clock = new ShiftedClock();
        await using var cluster = await ChatTestCluster.StartAsync(
            postgres.ConnectionString, configureSilo: silo => silo.Services.AddSingleton<TimeProvider>(clock));
        var (ada, bob) = await cluster.Grains.RegisterPairAsync();
        await cluster.Grains.GetGrain<IUserGrain>(bob).SetWhoMayAddToGroupsAsync(WhoMayAddToGroups.Contacts);
        var (groupId, group, _) = NewGroup(cluster);
        Assert.Equal([bob], (await group.CreateAsync(ada, "Book club", [bob])).Value!.Invited);

        clock.Advance(GroupLimits.InvitationLifetime - TimeSpan.FromMinutes(1));

        Assert.Equal([bob], (await group.GetAsync(ada)).Value!.Invited);
        Assert.Equal([groupId], (await cluster.Grains.GetGrain<IUserGrain>(bob).GetGroupInvitationsAsync()).Select(invitation => invitation.GroupId));

        clock.Advance(TimeSpan.FromMinutes(2));

        Assert.Empty((await group.GetAsync(ada)).Value!.Invited);
        Assert.Empty(await cluster.Grains.GetGrain<IUserGrain>(bob).GetGroupInvitationsAsync());
        Assert.Equal(ChatErrorCode.NoInvitation, (await group.AcceptInvitationAsync(bob)).Error?.Code);
        Assert.Equal([ada], (await group.GetAsync(ada)).Value!.Members.Select(member => member.UserId));

        Assert.Equal([bob], (await group.AddMembersAsync(ada, [bob])).Value!.Invited);

        Assert.True((await group.AcceptInvitationAsync(bob)).IsSuccess);
        Assert.Equal([ada, bob], (await group.GetAsync(ada)).Value!.Members.Select(member => member.UserId));
    }

    [Fact]
    public async Task Add_BySomeoneTheyBlocked_IsRefusedWholly_NeitherAddedNorInvited()
    {
        var cluster = await postgres.SharedClusterAsync();
        var (ada, bob) = await cluster.Grains.RegisterPairAsync();
        var carol = TestIds.User();
        await cluster.Grains.RegisterAsync(carol);
        await cluster.Grains.GetGrain<IUserGrain>(bob).SetWhoMayAddToGroupsAsync(WhoMayAddToGroups.Contacts);
        await cluster.Grains.GetGrain<IUserGrain>(carol).BlockAsync(ada);
        var (_, group, _) = NewGroup(cluster);
        await group.CreateAsync(ada, "Club", []);

        var refused = await group.AddMembersAsync(ada, [bob, carol]);

        Assert.Equal(ChatErrorCode.Blocked, refused.Error?.Code);
        var unchanged = (await group.GetAsync(ada)).Value!;
        Assert.Equal([ada], unchanged.Members.Select(member => member.UserId));
        Assert.Empty(unchanged.Invited);
        Assert.Empty(await cluster.Grains.GetGrain<IUserGrain>(bob).GetGroupInvitationsAsync());
    }

    private static (long Id, IGroupGrain Grain, IConversationGrain Conversation) NewGroup(ChatTestCluster cluster)
    {
        var id = TestIds.User();
        return (id, cluster.Grains.GetGrain<IGroupGrain>(id), cluster.Grains.GetGrain<IConversationGrain>(ConversationId.Group(id).ToString()));
    }
}
