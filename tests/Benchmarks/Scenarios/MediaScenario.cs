using System.Globalization;
using WhatsApp.Benchmarks.Deployment;
using WhatsApp.Benchmarks.Load;
using WhatsApp.Benchmarks.Measurement;
using WhatsApp.Benchmarks.Reporting;
using WhatsApp.Testing;

namespace WhatsApp.Benchmarks.Scenarios;

/// <summary>
/// Media uploads: how fast the product stores files against a plain COPY of the same bytes into the same database, how
/// much memory each upload in flight holds in the gateway and the silos, and what uploads do to text sends' latency.
/// </summary>
public sealed class MediaScenario : Scenario
{
    public const string RatioSuffix = "upload-per-copy";
    public const string HeapPerUploadKey = "memory.heap-per-upload";
    public const string TextRatioKey = "text.p50-with-uploads-per-without";

    private const int HeapProbes = 3;

    private readonly List<UploadLane> _uploaders = [];
    private SendLane? _texter;

    public override string Name => "media";

    public override string Description =>
        "Whole-file uploads through the gateway (a fixed number in flight) against a plain binary COPY of as many files of the same size into the same database; "
        + "the gateway's and silos' managed heap (after a full GC) per upload in flight; REST text sends' p50 while uploads run against without.";

    public override async Task PrepareAsync(ScenarioContext context)
    {
        var api = context.Deployment.Api;
        for (var lane = 0; lane < context.Options.MediaInFlight; lane++)
        {
            var owner = await api.RegisterAsync();
            var peer = await api.RegisterAsync();
            _uploaders.Add(new UploadLane(owner, TestIds.Conversation(owner.Id, peer.Id)));
        }

        var sender = await api.RegisterAsync();
        _texter = new SendLane(sender, (await api.RegisterAsync()).Id);
    }

    public override async Task<FigureList> RunOnceAsync(ScenarioContext context)
    {
        var options = context.Options;
        var figures = new FigureList();
        foreach (var size in options.MediaFileSizes)
        {
            var label = SizeLabel(size);
            var copy = await ScenarioContext.MeasureAsync(
                $"plain COPY of {label} files, {options.MediaInFlight} in flight",
                () => CopyCeiling.MegabytesPerSecondAsync(context.Deployment.System.Postgres.ConnectionString(), size, options.MediaInFlight, options.Duration),
                rate => string.Create(CultureInfo.InvariantCulture, $"{rate:F1} MB/s"));
            var uploads = await ScenarioContext.MeasureAsync(
                $"uploads of {label} files through the gateway, {options.MediaInFlight} in flight",
                () => MediaUploads.RunAsync(context.Deployment.Api, _uploaders, size, options.Duration),
                result => string.Create(CultureInfo.InvariantCulture, $"{result.MegabytesPerSecond:F1} MB/s ({result.Uploads} files, {result.Errors} failed)"));
            figures.Add($"{label}.copy", $"plain COPY, {label} files, {options.MediaInFlight} in flight", Units.MegabytesPerSecond, copy);
            figures.Add($"{label}.upload", $"uploads through the gateway, {label} files, {options.MediaInFlight} in flight", Units.MegabytesPerSecond, uploads.MegabytesPerSecond);
            figures.Add($"{label}.upload-errors", $"failed uploads, {label} files", Units.Count, uploads.Errors);
            figures.AddRatio($"{label}.{RatioSuffix}", $"uploads ÷ plain COPY, {label} files", uploads.MegabytesPerSecond, copy);
        }

        var textAlone = (await ScenarioContext.MeasureAsync("text sends alone (REST, one at a time)",
            () => SequentialSends.RunAsync(context.Deployment.Api, [_texter!], options.Duration),
            lanes => string.Create(CultureInfo.InvariantCulture, $"p50 {lanes[0].Latency?.P50:F1} ms"))).Single();
        await UnderUploadsAsync(context, options.MediaFileSizes.Max(), figures, textAlone);
        return figures;
    }

    /// <summary>With the largest files uploading: the memory they hold, and text sends' latency beside them.</summary>
    private async Task UnderUploadsAsync(ScenarioContext context, int size, FigureList figures, LaneResult textAlone)
    {
        var options = context.Options;
        var deployment = context.Deployment;
        var idle = await ScenarioContext.MeasureAsync("managed heap of the gateway and silos, idle", () => HeapOfAsync(deployment), Kilobytes);
        var idleResident = ResidentOf(deployment);
        using var stop = new CancellationTokenSource();
        var uploading = MediaUploads.RunAsync(deployment.Api, _uploaders, size, TimeSpan.MaxValue, stop.Token);
        try
        {
            await Task.Delay(options.Warmup + TimeSpan.FromSeconds(1));
            var busy = await ScenarioContext.MeasureAsync($"managed heap with {options.MediaInFlight} uploads of {SizeLabel(size)} in flight", () => HeapOfAsync(deployment), Kilobytes);
            var busyResident = ResidentOf(deployment);
            figures.Add(HeapPerUploadKey, "gateway and silos: managed heap after a full GC, growth per upload in flight", Units.Kilobytes, (busy - idle) / 1024.0 / options.MediaInFlight);
            figures.Add("memory.rss-per-upload", "gateway and silos: resident memory growth per upload in flight", Units.Kilobytes, (busyResident - idleResident) / 1024.0 / options.MediaInFlight);
            var textBusy = (await ScenarioContext.MeasureAsync($"text sends while {SizeLabel(size)} files upload",
                () => SequentialSends.RunAsync(deployment.Api, [_texter!], options.Duration),
                lanes => string.Create(CultureInfo.InvariantCulture, $"p50 {lanes[0].Latency?.P50:F1} ms"))).Single();
            figures.Add("text.p50-alone", "REST text send p50, no uploads", Units.Milliseconds, textAlone.Latency?.P50);
            figures.Add("text.p50-with-uploads", $"REST text send p50, {options.MediaInFlight} uploads of {SizeLabel(size)} running", Units.Milliseconds, textBusy.Latency?.P50);
            figures.AddRatio(TextRatioKey, "text send p50 with uploads ÷ without", textBusy.Latency?.P50, textAlone.Latency?.P50);
        }
        finally
        {
            await stop.CancelAsync();
            await uploading;
        }
    }

    /// <summary>
    /// The gateway's and silos' managed heaps together, each the median of <see cref="HeapProbes"/> probes: a single
    /// probe swings by megabytes with what happens to be pooled or fragmented at that moment.
    /// </summary>
    private static async Task<long> HeapOfAsync(BenchmarkDeployment deployment)
    {
        var total = 0L;
        foreach (var processId in deployment.SiloProcessIds.Prepend(deployment.GatewayProcessId))
        {
            var probes = new List<long>();
            for (var probe = 0; probe < HeapProbes; probe++)
            {
                probes.Add(await ManagedHeapProbe.BytesAfterFullCollectionAsync(processId));
            }

            total += probes.Order().ElementAt(HeapProbes / 2);
        }

        return total;
    }

    private static long ResidentOf(BenchmarkDeployment deployment) =>
        deployment.SiloProcessIds.Prepend(deployment.GatewayProcessId).Sum(ProcessMemory.ResidentBytes);

    private static string Kilobytes(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:F0} KB");

    private static string SizeLabel(int bytes) => bytes >= 1024 * 1024
        ? string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024 * 1024)}mb")
        : string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024}kb");
}
