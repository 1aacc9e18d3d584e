using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using WhatsApp.Gateway.Application;
using WhatsApp.Gateway.Auth;
using WhatsApp.Grains.Abstractions.Groups;

namespace WhatsApp.Gateway.Api;

/// <summary>Group membership: who is in a group and who administers it. Only members see a group; only admins change it.</summary>
public static class GroupsApi
{
    public static IEndpointRouteBuilder MapGroupsApi(this IEndpointRouteBuilder app)
    {
        var groups = app.MapGroup("/api/groups").WithTags("Groups").RequireAuthorization();
        groups.MapPost("/", CreateAsync);
        groups.MapGet("/{groupId:long}", GetAsync);
        groups.MapPut("/{groupId:long}/name", RenameAsync);
        groups.MapPost("/{groupId:long}/members", AddMembersAsync);
        groups.MapDelete("/{groupId:long}/members/{userId:long}", RemoveMemberAsync);
        groups.MapPost("/{groupId:long}/admins/{userId:long}", PromoteAsync);
        return app;
    }

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

    /// <summary>An admin removes a member; a member removes themself to leave.</summary>
    private static async Task<Results<Ok<GroupView>, ProblemHttpResult>> RemoveMemberAsync(long groupId, long userId, ClaimsPrincipal caller, GroupService groups) =>
        (await groups.RemoveMemberAsync(caller.UserId(), groupId, userId)).OkOrProblem();

    private static async Task<Results<Ok<GroupView>, ProblemHttpResult>> PromoteAsync(long groupId, long userId, ClaimsPrincipal caller, GroupService groups) =>
        (await groups.PromoteAsync(caller.UserId(), groupId, userId)).OkOrProblem();
}
