using Microsoft.AspNetCore.Http.HttpResults;
using WhatsApp.Launcher.Supervision;

namespace WhatsApp.Launcher.Control;

/// <summary>
/// The learner's fault buttons: the state of each shard's silo and database, and stopping or starting either. The
/// web client's host calls these for the Cluster panel; nothing here is reachable without the launcher.
/// </summary>
public static class ControlApi
{
    public static IEndpointRouteBuilder MapControlApi(this IEndpointRouteBuilder app)
    {
        var control = app.MapGroup("/control").AddEndpointFilter<ControlAccessFilter>();
        control.MapGet("/cluster", (ClusterSupervisor supervisor) => supervisor.StatusAsync());
        control.MapPost("/silos/{shard:int}/stop", (int shard, ClusterSupervisor supervisor) => AnswerAsync(supervisor, supervisor.KillSiloAsync(shard)));
        control.MapPost("/silos/{shard:int}/start", (int shard, ClusterSupervisor supervisor) => AnswerAsync(supervisor, supervisor.StartSiloAsync(shard)));
        control.MapPost("/databases/{shard:int}/stop", (int shard, ClusterSupervisor supervisor) => AnswerAsync(supervisor, supervisor.StopDatabaseAsync(shard)));
        control.MapPost("/databases/{shard:int}/start", (int shard, ClusterSupervisor supervisor) => AnswerAsync(supervisor, supervisor.StartDatabaseAsync(shard)));
        return app;
    }

    private static async Task<Results<Ok<ClusterStatus>, ProblemHttpResult>> AnswerAsync(ClusterSupervisor supervisor, Task<ControlOutcome> action)
    {
        var outcome = await action;
        return outcome.Kind switch
        {
            ControlOutcomeKind.Done => TypedResults.Ok(await supervisor.StatusAsync()),
            ControlOutcomeKind.NotFound => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, detail: outcome.Detail),
            ControlOutcomeKind.Conflict => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, detail: outcome.Detail),
            _ => TypedResults.Problem(statusCode: StatusCodes.Status500InternalServerError, detail: outcome.Detail),
        };
    }
}
