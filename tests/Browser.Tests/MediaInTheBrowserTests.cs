using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using WhatsApp.Testing.Api;
using static Microsoft.Playwright.Assertions;

namespace WhatsApp.Browser.Tests;

/// <summary>
/// Photos, documents and voice notes as people send and receive them in Chromium: chosen with the attach button or
/// recorded from the (fake) microphone, uploaded, shown, downloaded and played against the real gateway.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class MediaInTheBrowserTests(BrowserFixture fixture)
{
    private static readonly Regex Stored = new("^(sent|delivered|read)$");

    [Fact]
    public async Task Photo_ChosenWithACaption_ReachesThePeerBlurredAtOnce_ThenInFullAtMost1600Wide_AndOpensInTheViewer()
    {
        var (alice, bob) = await TwoPeopleInAChatAsync();
        var picture = await PictureAsync(alice.Page, 2000, 1500);

        await alice.Page.SetInputFilesAsync("#attach-photo", new FilePayload { Name = "beach.png", MimeType = "image/png", Buffer = picture });
        await Expect(alice.Page.Locator("#attachments .attachment img.thumb")).ToBeVisibleAsync();
        await alice.SendAsync("The view from here");

        // Bob's download is held until he has seen what shows before it: the blurred thumbnail the message carries.
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await bob.Page.RouteAsync("**/messages/*/media", async route =>
        {
            await release.Task.WaitAsync(TimeSpan.FromSeconds(30));
            await route.ContinueAsync();
        });
        await bob.InboxItem("📷 The view from here").ClickAsync();
        var photo = bob.Bubbles.Last.Locator(".photo");
        await Expect(photo.Locator("img.thumb")).ToHaveAttributeAsync("src", new Regex("^data:image/jpeg;base64,"));
        await Expect(photo.Locator("img.thumb")).ToHaveCSSAsync("filter", new Regex("blur"));
        await Expect(photo.Locator("progress.transfer")).ToBeVisibleAsync();
        await Expect(photo.Locator("img.full")).ToBeHiddenAsync();
        await Expect(bob.Bubbles.Last.Locator(".text")).ToHaveTextAsync("The view from here");

        release.SetResult();
        var full = photo.Locator("img.full");
        await Expect(full).ToBeVisibleAsync();
        await Expect(full).ToHaveAttributeAsync("src", new Regex("^blob:"));
        await Expect(photo.Locator("progress.transfer")).ToBeHiddenAsync();
        // Re-encoded in Alice's browser before it left: its longest side capped at 1600 pixels, its shape kept.
        Assert.Equal((1600, 1200), (await full.EvaluateAsync<int>("image => image.naturalWidth"), await full.EvaluateAsync<int>("image => image.naturalHeight")));

        await photo.ClickAsync();
        await Expect(bob.Page.Locator("#viewer")).ToBeVisibleAsync();
        await Expect(bob.Page.Locator("#viewer-image")).ToHaveAttributeAsync("src", new Regex("^blob:"));
        await Expect(bob.Page.Locator("#viewer-caption")).ToHaveTextAsync("The view from here");
        await bob.Page.Keyboard.PressAsync("Escape");
        await Expect(bob.Page.Locator("#viewer")).ToBeHiddenAsync();
        await bob.Page.Mouse.MoveAsync(900, 700); // off the bubble, whose buttons would cover the photo
        await Screenshots.SaveAsync(bob.Page, "media.png", "tour-media.png");
    }

    [Fact]
    public async Task Document_SentWithoutACaption_IsAChipThatDownloadsUnderItsName_AndTakesReactionsRepliesAndDelete()
    {
        var (alice, bob) = await TwoPeopleInAChatAsync();
        var minutes = MediaFiles.Pdf(300_000);

        await alice.Page.SetInputFilesAsync("#attach-document", new FilePayload { Name = "minutes.pdf", MimeType = "application/pdf", Buffer = minutes });
        await alice.Page.PressAsync("#input", "Enter");
        await Expect(alice.Bubbles.Last.Locator(".ticks")).ToHaveAttributeAsync("data-status", Stored);

        await bob.InboxItem("📄 minutes.pdf").ClickAsync();
        var chip = bob.Bubbles.Last.Locator(".document");
        await Expect(chip).ToContainTextAsync("minutes.pdf");
        await Expect(chip).ToContainTextAsync("PDF · 300 KB");
        var download = await bob.Page.RunAndWaitForDownloadAsync(() => chip.ClickAsync());
        Assert.Equal("minutes.pdf", download.SuggestedFilename);
        Assert.Equal(minutes, await File.ReadAllBytesAsync(await download.PathAsync()));

        await bob.ActOnAsync("minutes.pdf", "react", "👍");
        await Expect(alice.Bubbles.Last.Locator(".reaction")).ToHaveTextAsync("👍");
        await bob.ActOnAsync("minutes.pdf", "reply");
        await Expect(bob.Page.Locator("#reply-to-text")).ToHaveTextAsync("📄 minutes.pdf");
        await bob.SendAsync("Read it, thanks");
        await Expect(alice.Bubbles.Last.Locator(".quote")).ToContainTextAsync("📄 minutes.pdf");

        await alice.ActOnAsync("minutes.pdf", "delete");
        await Expect(bob.Page.Locator("#messages .document")).ToHaveCountAsync(0);
        await Expect(bob.Bubbles.First.Locator(".text")).ToHaveTextAsync("🚫 This message was deleted");
    }

    [Fact]
    public async Task VoiceNote_RecordedFromTheMicrophone_ReachesThePeerWithItsDurationAndWaveform_AndPlays()
    {
        var (alice, bob) = await TwoPeopleInAChatAsync();

        await alice.Page.ClickAsync("#record");
        await Expect(alice.Page.Locator("#recorder")).ToBeVisibleAsync();
        await Expect(alice.Page.Locator("#record-time")).ToHaveTextAsync("0:02", new() { Timeout = 10_000 });
        await alice.Page.ClickAsync("#record-send");
        await Expect(alice.Page.Locator("#composer")).ToBeVisibleAsync();
        await Expect(alice.Bubbles.Last.Locator(".ticks")).ToHaveAttributeAsync("data-status", Stored, new() { Timeout = 15_000 });

        await bob.InboxItem("🎤 Voice note (0:0").ClickAsync();
        var note = bob.Bubbles.Last.Locator(".voice-note");
        await Expect(note.Locator(".bar")).ToHaveCountAsync(64);
        var duration = TimeSpan.ParseExact(await note.Locator(".voice-time").InnerTextAsync(), @"m\:ss", CultureInfo.InvariantCulture);
        Assert.InRange(duration, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5));
        // The fake microphone beeps once a second: the bars follow the sound, they are not all one height.
        var bars = await note.Locator(".bar").EvaluateAllAsync<double[]>("bars => bars.map(bar => parseFloat(bar.style.height))");
        Assert.True(bars.Max() - bars.Min() >= 20, $"a flat waveform: {string.Join(' ', bars)}");

        await note.Locator(".play").ClickAsync();
        await Expect(note.Locator(".play")).ToHaveTextAsync("⏸");
        await bob.Page.WaitForFunctionAsync("audio => audio.currentTime > 0.5", await note.Locator("audio").ElementHandleAsync());
        await Expect(note.Locator(".bar.played").First).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Upload_CutOffPartWay_ShowsFailed_AndATapResumesFromWhatTheGatewayHolds_SendingItOnce()
    {
        var (alice, bob) = await TwoPeopleInAChatAsync();
        var report = MediaFiles.Pdf(1_500_000); // two requests: the first MiB, then the rest
        var offsets = new List<string>();
        var cutOff = false;
        await alice.Page.RouteAsync("**/uploads/*", async route =>
        {
            if (route.Request.Method == "PATCH")
            {
                var offset = route.Request.Headers["upload-offset"];
                lock (offsets)
                {
                    offsets.Add(offset);
                }

                if (offset != "0" && !cutOff)
                {
                    cutOff = true;
                    await route.AbortAsync();
                    return;
                }
            }

            await route.ContinueAsync();
        });

        await alice.Page.SetInputFilesAsync("#attach-document", new FilePayload { Name = "report.pdf", MimeType = "application/pdf", Buffer = report });
        await alice.Page.FillAsync("#input", "The report");
        await alice.Page.PressAsync("#input", "Enter");
        var sent = alice.Bubbles.Filter(new() { HasText = "report.pdf" });
        await Expect(sent.Locator(".ticks")).ToHaveAttributeAsync("data-status", "failed");

        await sent.ClickAsync();
        await Expect(sent.Locator(".ticks")).ToHaveAttributeAsync("data-status", Stored);
        lock (offsets)
        {
            Assert.Equal(["0", "1048576", "1048576"], offsets);
        }

        await bob.InboxItem("📄 The report").ClickAsync();
        await Expect(bob.Bubbles.Filter(new() { HasText = "report.pdf" })).ToHaveCountAsync(1);
        await Expect(alice.Bubbles.Filter(new() { HasText = "report.pdf" })).ToHaveCountAsync(1);
        var download = await bob.Page.RunAndWaitForDownloadAsync(() => bob.Bubbles.Last.Locator(".document").ClickAsync());
        Assert.Equal(report, await File.ReadAllBytesAsync(await download.PathAsync()));
    }

    [Fact]
    public async Task FileDroppedOnTheChat_AndPictureMadeToPaste_WaitInTheComposer_ThenGoAsADocumentAndAPhoto()
    {
        var (alice, bob) = await TwoPeopleInAChatAsync();
        var page = alice.Page;

        var dropped = await page.EvaluateHandleAsync("""
            () => {
              const files = new DataTransfer();
              files.items.add(new File(["%PDF-1.7\nagenda"], "agenda.pdf", { type: "application/pdf" }));
              return files;
            }
            """);
        await page.DispatchEventAsync("#messages", "dragover", new Dictionary<string, object> { ["dataTransfer"] = dropped });
        await Expect(page.Locator("#chat")).ToHaveClassAsync(new Regex("\\bdropping\\b"));
        await page.DispatchEventAsync("#messages", "drop", new Dictionary<string, object> { ["dataTransfer"] = dropped });
        await Expect(page.Locator("#chat")).Not.ToHaveClassAsync(new Regex("\\bdropping\\b"));
        await Expect(page.Locator("#attachments .attachment")).ToContainTextAsync("agenda.pdf");

        // What a paste of a copied picture hands the page: a clipboard carrying an image file.
        await page.Locator("#input").EvaluateAsync("""
            async input => {
              const canvas = Object.assign(document.createElement("canvas"), { width: 120, height: 80 });
              canvas.getContext("2d").fillRect(0, 0, 60, 80);
              const picture = await new Promise(resolve => canvas.toBlob(resolve, "image/png"));
              const clipboard = new DataTransfer();
              clipboard.items.add(new File([picture], "image.png", { type: "image/png" }));
              input.dispatchEvent(new ClipboardEvent("paste", { clipboardData: clipboard, bubbles: true, cancelable: true }));
            }
            """);
        await Expect(page.Locator("#attachments .attachment")).ToHaveCountAsync(2);
        await Expect(page.Locator("#attachments .attachment img.thumb")).ToHaveAttributeAsync("src", new Regex("^data:image/jpeg"));

        await alice.SendAsync("For Monday");
        await Expect(page.Locator("#attachments")).ToBeHiddenAsync();
        await Expect(alice.Bubbles.Locator(".ticks[data-status='pending'], .ticks[data-status='failed']")).ToHaveCountAsync(0);
        await bob.InboxItem("📷 Photo").ClickAsync();
        await Expect(bob.Bubbles).ToHaveCountAsync(2);
        await Expect(bob.Bubbles.First.Locator(".document")).ToContainTextAsync("agenda.pdf");
        await Expect(bob.Bubbles.First.Locator(".text")).ToHaveTextAsync("For Monday");
        await Expect(bob.Bubbles.Last.Locator(".photo img.full")).ToHaveJSPropertyAsync("naturalWidth", 120);
    }

    /// <summary>Two people registered, the first with their chat open (the second opens it from the chat list).</summary>
    private async Task<(ChatPage Alice, ChatPage Bob)> TwoPeopleInAChatAsync()
    {
        var (alice, bob) = (await fixture.OpenAsync(), await fixture.OpenAsync());
        var (aliceId, bobId) = (BrowserFixture.NewUserId(), BrowserFixture.NewUserId());
        await alice.RegisterAsync(aliceId, "Alice");
        await bob.RegisterAsync(bobId, "Bob");
        await alice.OpenChatWithAsync(bobId);
        return (alice, bob);
    }

    /// <summary>A real PNG picture of this size, drawn by Chromium (a gradient and a sun).</summary>
    private static async Task<byte[]> PictureAsync(IPage page, int width, int height) => Convert.FromBase64String(await page.EvaluateAsync<string>(
        """
        ([width, height]) => {
          const canvas = Object.assign(document.createElement("canvas"), { width, height });
          const context = canvas.getContext("2d");
          const sky = context.createLinearGradient(0, 0, 0, height);
          sky.addColorStop(0, "#1e88e5");
          sky.addColorStop(1, "#ffb300");
          context.fillStyle = sky;
          context.fillRect(0, 0, width, height);
          context.fillStyle = "#fff59d";
          context.beginPath();
          context.arc(width * 0.7, height * 0.3, height * 0.12, 0, 2 * Math.PI);
          context.fill();
          return canvas.toDataURL("image/png").split(",")[1];
        }
        """,
        new[] { width, height }));
}
