using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using WhatsApp.Gateway.Allowances;
using WhatsApp.Gateway.Application;
using WhatsApp.Gateway.Auth;
using WhatsApp.Gateway.Metrics;
using WhatsApp.Grains.Abstractions.Groups;
using WhatsApp.Grains.Abstractions.Messages;

namespace WhatsApp.Gateway.Api;

/// <summary>
/// Groups: who is in a group and who administers it (only members see a group; only admins change it), and its
/// messages. Marks, typing and message info go through the conversation endpoints with the group's conversation id.
/// </summary>
public static class GroupsApi
{
    public static IEndpointRouteBuilder MapGroupsApi(this IEndpointRouteBuilder app)
    {
        var groups = app.MapGroup("/api/groups").WithTags("Groups").RequireAuthorization();
        groups.MapPost("/", CreateAsync).WithCost(Costs.GroupCreation);
        groups.MapGet("/{groupId:long}", GetAsync);
        groups.MapGet("/invitations", InvitationsAsync);
        groups.MapPost("/{groupId:long}/join", AcceptInvitationAsync).WithCost(Costs.Wide);
        groups.MapDelete("/{groupId:long}/invitation", DeclineInvitationAsync).WithCost(Costs.Wide);
        groups.MapPut("/{groupId:long}/name", RenameAsync).WithCost(Costs.Wide);
        groups.MapPost("/{groupId:long}/members", AddMembersAsync).WithCost(Costs.MemberAddition);
        groups.MapDelete("/{groupId:long}/members/{userId:long}", RemoveMemberAsync).WithCost(Costs.Wide);
        groups.MapPost("/{groupId:long}/admins/{userId:long}", PromoteAsync).WithCost(Costs.Wide);
        groups.MapPost("/{groupId:long}/messages", SendAsync).RequireRateLimiting(MessagesApi.SendPolicy);
        groups.MapGet("/{groupId:long}/messages", HistoryAsync);
        return app;
    }

    /// <summary>201 with the stored message, or 200 with the first one when the clientMessageId was sent before.</summary>
    private static async Task<Results<Created<ChatMessage>, Ok<ChatMessage>, ProblemHttpResult>> SendAsync(
        long groupId, SendGroupMessageRequest request, ClaimsPrincipal caller, ChatService chat)
    {
        var sent = await chat.SendToGroupAsync(caller.UserId(), groupId, new OutgoingMessage(request.Content, request.ClientMessageId, request.ReplyToSequence, request.Media?.ToAttachment()), GatewayMetrics.Rest);
        if (!sent.IsSuccess)
        {
            return ChatProblems.From(sent.Error);
        }

        return sent.Value.WasDuplicate ? TypedResults.Ok(sent.Value.Message) : TypedResults.Created($"/api/groups/{groupId}/messages", sent.Value.Message);
    }

    /// <summary>A page of the group's history as the caller may read it (from when they joined; up to when they left).</summary>
    private static async Task<Results<Ok<HistoryPage>, ProblemHttpResult>> HistoryAsync(
        long groupId, long? beforeSequence, int? limit, ClaimsPrincipal caller, ChatService chat, CancellationToken cancellationToken) =>
        (await chat.GroupHistoryAsync(caller.UserId(), groupId, beforeSequence, limit, cancellationToken)).OkOrProblem();

    private static async Task<Results<Created<GroupView>, ProblemHttpResult>> CreateAsync(CreateGroupRequest request, ClaimsPrincipal caller, GroupService groups)
    {
        var created = await groups.CreateAsync(caller.UserId(), request.Name, request.MemberIds);
        return created.IsSuccess ? TypedResults.Created($"/api/groups/{created.Value.GroupId}", created.Value) : ChatProblems.From(created.Error);
    }

    private static async Task<Results<Ok<GroupView>, ProblemHttpResult>> GetAsync(long groupId, ClaimsPrincipal caller, GroupService groups, CancellationToken cancellationToken) =>
        (await groups.GetAsync(caller.UserId(), groupId, cancellationToken)).OkOrProblem();

    private static async Task<Results<Ok<GroupView>, ProblemHttpResult>> RenameAsync(long groupId, RenameGroupRequest request, ClaimsPrincipal caller, GroupService groups) =>
        (await groups.RenameAsync(caller.UserId(), groupId, request.Name)).OkOrProblem();

    private static async Task<Results<Ok<GroupView>, ProblemHttpResult>> AddMembersAsync(long groupId, AddMembersRequest request, ClaimsPrincipal caller, GroupService groups) =>
        (await groups.AddMembersAsync(caller.UserId(), groupId, request.UserIds)).OkOrProblem();

    /// <summary>The caller's invitations to groups that still stand, newest first.</summary>
    private static async Task<Ok<IReadOnlyList<GroupInvitation>>> InvitationsAsync(ClaimsPrincipal caller, GroupService groups, CancellationToken cancellationToken) =>
        TypedResults.Ok(await groups.InvitationsAsync(caller.UserId(), cancellationToken));

    /// <summary>The caller accepts their invitation and joins: 200 with the group, or 404 NoInvitation.</summary>
    private static async Task<Results<Ok<GroupView>, ProblemHttpResult>> AcceptInvitationAsync(long groupId, ClaimsPrincipal caller, GroupService groups, CancellationToken cancellationToken) =>
        (await groups.AcceptInvitationAsync(caller.UserId(), groupId, cancellationToken)).OkOrProblem();

    /// <summary>The caller declines their invitation: 204, whether or not one stood.</summary>
    private static async Task<NoContent> DeclineInvitationAsync(long groupId, ClaimsPrincipal caller, GroupService groups, CancellationToken cancellationToken)
    {
        await groups.DeclineInvitationAsync(caller.UserId(), groupId, cancellationToken);
        return TypedResults.NoContent();
    }

    /// <summary>An admin removes a member; a member removes themself to leave.</summary>
    private static async Task<Results<Ok<GroupView>, ProblemHttpResult>> RemoveMemberAsync(long groupId, long userId, ClaimsPrincipal caller, GroupService groups) =>
        (await groups.RemoveMemberAsync(caller.UserId(), groupId, userId)).OkOrProblem();

    private static async Task<Results<Ok<GroupView>, ProblemHttpResult>> PromoteAsync(long groupId, long userId, ClaimsPrincipal caller, GroupService groups) =>
        (await groups.PromoteAsync(caller.UserId(), groupId, userId)).OkOrProblem();
}
