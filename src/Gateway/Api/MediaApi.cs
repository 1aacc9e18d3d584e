using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;
using WhatsApp.Gateway.Allowances;
using WhatsApp.Gateway.Application;
using WhatsApp.Gateway.Auth;
using WhatsApp.Grains.Abstractions.Media;
using WhatsApp.Grains.Abstractions.Messages;
using WhatsApp.Grains.Abstractions.Results;

namespace WhatsApp.Gateway.Api;

/// <summary>
/// Photos, documents and voice notes: an upload is declared, then its bytes are sent (in one request, or resumed in
/// several) and then a message refers to it; a download reads a message's medium with ranges and strong ETags.
/// </summary>
public static class MediaApi
{
    /// <summary>Where in the file a PATCH body starts, and (in the answer) how much of the file is stored.</summary>
    public const string UploadOffsetHeader = "Upload-Offset";

    /// <summary>A medium never changes under its address: a browser keeps it for a year, for its user only.</summary>
    private const string ImmutableCaching = "private, max-age=31536000, immutable";

    /// <summary>Nothing served as a medium runs, whatever it holds: no scripts, no plugins, no same-origin.</summary>
    private const string InertContent = "default-src 'none'; sandbox";

    public static IEndpointRouteBuilder MapMediaApi(this IEndpointRouteBuilder app)
    {
        var conversation = app.MapGroup("/api/conversations/{conversationId}").WithTags("Media").RequireAuthorization();
        conversation.MapPost("/uploads", StartAsync).WithCost(Costs.MessageAction);
        conversation.MapGet("/uploads/{uploadId:guid}", StatusAsync);
        conversation.MapPatch("/uploads/{uploadId:guid}", AppendAsync);
        conversation.MapGet("/messages/{sequence:long}/media", DownloadAsync);
        return app;
    }

    private static async Task<Results<Created<UploadStatus>, ProblemHttpResult>> StartAsync(
        string conversationId, StartUploadRequest request, ClaimsPrincipal caller, MediaService media)
    {
        var started = await media.StartAsync(caller.UserId(), conversationId, request.Kind, request.ContentType, request.Length, request.FileName);
        return started.IsSuccess
            ? TypedResults.Created(string.Create(CultureInfo.InvariantCulture, $"/api/conversations/{conversationId}/uploads/{started.Value!.UploadId}"), started.Value)
            : ChatProblems.From(started.Error!);
    }

    private static async Task<Results<Ok<UploadStatus>, ProblemHttpResult>> StatusAsync(
        string conversationId, Guid uploadId, ClaimsPrincipal caller, MediaService media, HttpResponse response) =>
        WithOffset(await media.StatusAsync(caller.UserId(), conversationId, uploadId), response).OkOrProblem();

    /// <summary>
    /// The body is the file from <see cref="UploadOffsetHeader"/> on, as raw bytes. It may be the whole rest of the
    /// file: it is stored as it streams in, and refused (413) at the first byte beyond the declared length.
    /// </summary>
    private static async Task<Results<Ok<UploadStatus>, ProblemHttpResult>> AppendAsync(
        string conversationId, Guid uploadId, ClaimsPrincipal caller, MediaService media, HttpContext context)
    {
        if (!long.TryParse(context.Request.Headers[UploadOffsetHeader], NumberStyles.None, CultureInfo.InvariantCulture, out var offset))
        {
            return ChatProblems.BadRequest($"The {UploadOffsetHeader} header must say where in the file the body starts: the upload's received bytes.");
        }

        // The API's 64 KiB body limit is for JSON; here the upload's own declared length bounds what is stored.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodyLimit)
        {
            bodyLimit.MaxRequestBodySize = null;
        }

        var stored = await media.AppendAsync(caller.UserId(), conversationId, uploadId, offset, context.Request.Body, context.RequestAborted);
        return WithOffset(stored, context.Response).OkOrProblem();
    }

    /// <summary>
    /// The medium's bytes, to a reader of its message only. Photos and voice notes are served as their (checked) type;
    /// documents always as an attachment, so nothing uploaded is ever rendered by the browser as a page.
    /// </summary>
    private static async Task<IResult> DownloadAsync(string conversationId, long sequence, ClaimsPrincipal caller, MediaService media, HttpResponse response)
    {
        var opened = await media.OpenAsync(caller.UserId(), conversationId, sequence);
        if (!opened.IsSuccess)
        {
            return ChatProblems.From(opened.Error!);
        }

        var (message, bytes) = opened.Value;
        var medium = message.Media!;
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers.CacheControl = ImmutableCaching;
        response.Headers.ContentSecurityPolicy = InertContent;
        return TypedResults.Stream(
            bytes,
            medium.ContentType,
            fileDownloadName: message.Kind == MessageKind.Document ? medium.FileName : null,
            lastModified: message.CreatedAt,
            entityTag: new EntityTagHeaderValue($"\"{medium.Sha256}\""),
            enableRangeProcessing: true);
    }

    private static ChatResult<UploadStatus> WithOffset(ChatResult<UploadStatus> status, HttpResponse response)
    {
        if (status.IsSuccess)
        {
            response.Headers[UploadOffsetHeader] = status.Value!.Received.ToString(CultureInfo.InvariantCulture);
        }

        return status;
    }
}
