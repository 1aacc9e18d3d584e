using System.Security.Cryptography;
using WhatsApp.Gateway.Cluster;
using WhatsApp.Grains.Abstractions.Groups;
using WhatsApp.Grains.Abstractions.Ids;
using WhatsApp.Grains.Abstractions.Results;
using WhatsApp.Grains.Abstractions.Users;

namespace WhatsApp.Gateway.Application;

/// <summary>
/// Group membership as the signed-in caller: create, read, rename, add, remove (or leave) and promote. The group grain
/// decides every rule; this checks what it can without the cluster and picks a new group's id. Reads are retried
/// through a silo failure; changes are tried once, since a retry could repeat one that went through.
/// </summary>
public sealed class GroupService(ChatCluster cluster)
{
    /// <summary>Fresh ids tried before giving up when the random ones are taken (with 10^15 ids, one retry is rare).</summary>
    private const int CreateAttempts = 3;

    /// <summary>A new group with a random id of its own space, the caller its first admin, and the members named.</summary>
    public async Task<ChatResult<GroupView>> CreateAsync(long caller, string? name, IReadOnlyList<long>? memberIds)
    {
        if ((memberIds ?? []).Select(id => RequestChecks.UserIdProblem(id, "memberIds")).FirstOrDefault(problem => problem is not null) is { } invalid)
        {
            return ChatResult.Fail<GroupView>(ChatErrorCode.InvalidUserId, invalid);
        }

        for (var attempt = 1; ; attempt++)
        {
            // 1 to 999,999,999,999,999 from two draws: RandomNumberGenerator has no 64-bit range.
            var groupId = RandomNumberGenerator.GetInt32(0, 1_000_000) * 1_000_000_000L + RandomNumberGenerator.GetInt32(1, 1_000_000_000);
            var created = await cluster.OnceAsync(grains => grains.GetGrain<IGroupGrain>(groupId).CreateAsync(caller, name ?? string.Empty, memberIds ?? []));
            if (created.Error?.Code != ChatErrorCode.GroupIdTaken || attempt == CreateAttempts)
            {
                return created;
            }
        }
    }

    public Task<ChatResult<GroupView>> GetAsync(long caller, long groupId, CancellationToken cancellationToken) =>
        OnGroupAsync(groupId, group => group.GetAsync(caller), retry: true, cancellationToken);

    public Task<ChatResult<GroupView>> RenameAsync(long caller, long groupId, string? name) =>
        OnGroupAsync(groupId, group => group.RenameAsync(caller, name ?? string.Empty), retry: false);

    public Task<ChatResult<GroupView>> AddMembersAsync(long caller, long groupId, IReadOnlyList<long>? userIds)
    {
        if (userIds is not { Count: > 0 })
        {
            return Task.FromResult(ChatResult.Fail<GroupView>(ChatErrorCode.InvalidRequest, "userIds must name at least one user."));
        }

        return userIds.Select(id => RequestChecks.UserIdProblem(id, "userIds")).FirstOrDefault(problem => problem is not null) is { } invalid
            ? Task.FromResult(ChatResult.Fail<GroupView>(ChatErrorCode.InvalidUserId, invalid))
            : OnGroupAsync(groupId, group => group.AddMembersAsync(caller, userIds), retry: false);
    }

    public Task<IReadOnlyList<GroupInvitation>> InvitationsAsync(long caller, CancellationToken cancellationToken) =>
        cluster.RetryAsync(grains => grains.GetGrain<IUserGrain>(caller).GetGroupInvitationsAsync(), cancellationToken);

    /// <summary>Joining is retried through a silo failure: a second try of a join that went through answers the group as it is.</summary>
    public Task<ChatResult<GroupView>> AcceptInvitationAsync(long caller, long groupId, CancellationToken cancellationToken) =>
        OnGroupAsync(groupId, group => group.AcceptInvitationAsync(caller), retry: true, cancellationToken);

    public async Task DeclineInvitationAsync(long caller, long groupId, CancellationToken cancellationToken)
    {
        if (UserIds.IsValid(groupId))
        {
            await cluster.RetryAsync(async grains =>
            {
                await grains.GetGrain<IGroupGrain>(groupId).DeclineInvitationAsync(caller);
                return true;
            }, cancellationToken);
        }
    }

    public Task<ChatResult<GroupView>> RemoveMemberAsync(long caller, long groupId, long userId) =>
        OnMemberAsync(groupId, userId, group => group.RemoveMemberAsync(caller, userId));

    public Task<ChatResult<GroupView>> PromoteAsync(long caller, long groupId, long userId) =>
        OnMemberAsync(groupId, userId, group => group.PromoteAsync(caller, userId));

    private Task<ChatResult<GroupView>> OnMemberAsync(long groupId, long userId, Func<IGroupGrain, Task<ChatResult<GroupView>>> call) =>
        RequestChecks.UserIdProblem(userId, "userId") is { } invalid
            ? Task.FromResult(ChatResult.Fail<GroupView>(ChatErrorCode.InvalidUserId, invalid))
            : OnGroupAsync(groupId, call, retry: false);

    private async Task<ChatResult<GroupView>> OnGroupAsync(
        long groupId, Func<IGroupGrain, Task<ChatResult<GroupView>>> call, bool retry, CancellationToken cancellationToken = default)
    {
        if (!UserIds.IsValid(groupId))
        {
            return ChatResult.Fail<GroupView>(ChatErrorCode.UnknownGroup, $"There is no group {groupId}.");
        }

        Task<ChatResult<GroupView>> Call(ShardRoutedGrains grains) => call(grains.GetGrain<IGroupGrain>(groupId));
        return retry ? await cluster.RetryAsync(Call, cancellationToken) : await cluster.OnceAsync(Call);
    }
}
