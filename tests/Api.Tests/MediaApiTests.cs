using System.Net;
using System.Net.Http.Headers;
using WhatsApp.Api.Tests.Infrastructure;
using WhatsApp.Testing;

namespace WhatsApp.Api.Tests;

/// <summary>
/// Photos, documents and voice notes over REST: uploads (whole, resumed, refused), sends that refer to them, downloads
/// with ranges and caching, who may download what, and what is stored (once per content, gone with its last message).
/// </summary>
[Collection(InProcessChatSystemCollection.Name)]
public sealed class MediaApiTests(InProcessChatSystem fixture)
{
    private const int Chunk = 256 * 1024;

    [Fact]
    public async Task Photo_SentInADirectChat_ReachesThePeerWithItsPreview_AndDownloadsAsStored()
    {
        var (ada, adaAuth, bob, bobAuth) = await TwoPeopleAsync();
        var conversationId = TestIds.Conversation(adaAuth.UserId, bobAuth.UserId);
        var photo = MediaFiles.Jpeg(Chunk * 2 + 1000);
        var upload = await ada.UploadAsync(conversationId, "photo", "image/jpeg", photo, "IMG_0001.jpg");
        Assert.Equal((photo.Length, true), (upload.Received, upload.Complete));

        var thumbnail = MediaFiles.Thumbnail();
        var sent = await SendMediaAsync(ada, new { toUserId = bobAuth.UserId, content = "The view", clientMessageId = "p-1", media = new { uploadId = upload.UploadId, thumbnail, width = 1600, height = 1200 } });
        Assert.Equal(("photo", "The view"), (sent.Kind, sent.Content));
        Assert.Equal(new MediaView(MediaFiles.Sha256Of(photo), "image/jpeg", photo.Length, "IMG_0001.jpg", thumbnail, 1600, 1200), sent.Media);

        var seen = (await bob.HistoryAsync(adaAuth.UserId, bobAuth.UserId)).Messages.Single();
        Assert.Equal(sent.Media, seen.Media);
        Assert.Equal("The view", (await bob.InboxAsync()).Single().LastMessage.Content);

        using var download = await bob.GetAsync(MediaPath(sent));
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal(photo, await download.Content.ReadAsByteArrayAsync());
        Assert.Equal("image/jpeg", download.Content.Headers.ContentType?.MediaType);
        Assert.Null(download.Content.Headers.ContentDisposition);
        Assert.Equal(["nosniff"], download.Headers.GetValues("X-Content-Type-Options"));
        Assert.Equal($"\"{MediaFiles.Sha256Of(photo)}\"", download.Headers.ETag?.Tag);
        Assert.False(download.Headers.ETag?.IsWeak);
        Assert.Contains("immutable", download.Headers.CacheControl?.Extensions.Select(extension => extension.Name) ?? []);
        Assert.Contains("sandbox", string.Join(' ', download.Headers.GetValues("Content-Security-Policy")));

        using var again = new HttpRequestMessage(HttpMethod.Get, MediaPath(sent)) { Headers = { IfNoneMatch = { download.Headers.ETag! } } };
        using var notModified = await bob.SendAsync(again);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        ada.Dispose();
        bob.Dispose();
    }

    [Fact]
    public async Task DocumentAndVoiceNote_InAGroup_ReachMembers_TheDocumentOnlyAsAnAttachmentWithACleanName()
    {
        var (ada, _, bob, bobAuth) = await TwoPeopleAsync();
        var group = await GroupAsync(ada, bobAuth.UserId);
        var conversationId = $"g{group.GroupId}";
        var document = MediaFiles.Pdf(5000);
        var voice = MediaFiles.WebmAudio(Chunk + 7);

        var documentUpload = await ada.UploadAsync(conversationId, "document", "application/pdf", document, "../../etc/\u202Einvoice<1>.pdf");
        Assert.Equal("invoice1.pdf", documentUpload.FileName);
        var voiceUpload = await ada.UploadAsync(conversationId, "voiceNote", "audio/webm;codecs=opus", voice);
        Assert.Equal("audio/webm", voiceUpload.ContentType);

        var groupPath = $"/api/groups/{group.GroupId}/messages";
        var sentDocument = await SendMediaAsync(ada, new { clientMessageId = "d-1", media = new { uploadId = documentUpload.UploadId } }, groupPath);
        var waveform = Enumerable.Range(0, 64).Select(bar => bar % 101).ToList();
        var sentVoice = await SendMediaAsync(ada, new { clientMessageId = "v-1", media = new { uploadId = voiceUpload.UploadId, durationMs = 4200, waveform } }, groupPath);
        Assert.Equal(("document", "voiceNote"), (sentDocument.Kind, sentVoice.Kind));
        Assert.Equal(4200, sentVoice.Media!.DurationMs);
        Assert.Equal(waveform, sentVoice.Media.Waveform);

        using var documentDownload = await bob.GetAsync(MediaPath(sentDocument));
        Assert.Equal(document, await documentDownload.Content.ReadAsByteArrayAsync());
        Assert.Equal("attachment", documentDownload.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal("invoice1.pdf", documentDownload.Content.Headers.ContentDisposition?.FileNameStar ?? documentDownload.Content.Headers.ContentDisposition?.FileName);
        using var voiceDownload = await bob.GetAsync(MediaPath(sentVoice));
        Assert.Equal((HttpStatusCode.OK, "audio/webm"), (voiceDownload.StatusCode, voiceDownload.Content.Headers.ContentType?.MediaType));
        Assert.Equal(voice, await voiceDownload.Content.ReadAsByteArrayAsync());

        // Replies, reactions and message info work on media as on texts.
        using (var reacted = await bob.PutJsonAsync($"/api/conversations/{conversationId}/messages/{sentVoice.Sequence}/reaction", new { emoji = "🔥" }))
        {
            Assert.Single((await ChatApi.ReadAsync<Message>(reacted, HttpStatusCode.OK)).Reactions!);
        }

        using (var reply = await bob.PostJsonAsync(groupPath, new { content = "Got it", replyToSequence = sentDocument.Sequence }))
        {
            Assert.Equal(new QuoteView(sentDocument.Sequence, sentDocument.FromUserId, "invoice1.pdf", "document"), (await ChatApi.ReadAsync<Message>(reply, HttpStatusCode.Created)).Quote);
        }

        await ada.GetJsonAsync<MessageInfoView>($"/api/conversations/{conversationId}/messages/{sentVoice.Sequence}/info");
        ada.Dispose();
        bob.Dispose();
    }

    [Fact]
    public async Task Download_WithRanges_ServesThePartsAsked_AcrossChunks()
    {
        var (ada, adaAuth, bob, bobAuth) = await TwoPeopleAsync();
        var voice = MediaFiles.WebmAudio(Chunk * 2 + 500);
        var upload = await ada.UploadAsync(TestIds.Conversation(adaAuth.UserId, bobAuth.UserId), "voiceNote", "audio/webm", voice);
        var sent = await SendMediaAsync(ada, new { toUserId = bobAuth.UserId, media = new { uploadId = upload.UploadId, durationMs = 61_000 } });

        foreach (var (from, to) in new[] { (0L, 99L), (Chunk - 10L, Chunk + 9L), (Chunk * 2L, voice.Length - 1L) })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, MediaPath(sent)) { Headers = { Range = new RangeHeaderValue(from, to) } };
            using var part = await bob.SendAsync(request);
            Assert.Equal(HttpStatusCode.PartialContent, part.StatusCode);
            Assert.Equal((from, to, (long)voice.Length), (part.Content.Headers.ContentRange?.From, part.Content.Headers.ContentRange?.To, part.Content.Headers.ContentRange?.Length));
            Assert.Equal(voice[(int)from..(int)(to + 1)], await part.Content.ReadAsByteArrayAsync());
        }

        using var beyond = new HttpRequestMessage(HttpMethod.Get, MediaPath(sent)) { Headers = { Range = new RangeHeaderValue(voice.Length + 10, null) } };
        using var unsatisfiable = await bob.SendAsync(beyond);
        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, unsatisfiable.StatusCode);
        ada.Dispose();
        bob.Dispose();
    }

    [Fact]
    public async Task Upload_ResumesFromTheLastStoredChunk_AndRefusesAnyOtherOffset()
    {
        var (ada, adaAuth, _, bobAuth) = await TwoPeopleAsync();
        var document = MediaFiles.Pdf(Chunk * 3 + 123);
        var upload = await ada.StartUploadAsync(TestIds.Conversation(adaAuth.UserId, bobAuth.UserId), "document", "application/pdf", document.Length, "report.pdf");

        // A body that stops short of the file (a connection that dropped): whole chunks are kept, the tail is not.
        using (var partial = await ada.PatchUploadAsync(upload, 0, document.AsMemory(0, Chunk + 5000)))
        {
            Assert.Equal(Chunk, (await ChatApi.ReadAsync<UploadView>(partial, HttpStatusCode.OK)).Received);
            Assert.Equal($"{Chunk}", partial.Headers.GetValues("Upload-Offset").Single());
        }

        Assert.Equal((long)Chunk, (await ada.GetJsonAsync<UploadView>($"/api/conversations/{upload.ConversationId}/uploads/{upload.UploadId}")).Received);
        using (var wrongOffset = await ada.PatchUploadAsync(upload, Chunk * 2, document.AsMemory(Chunk * 2)))
        {
            Assert.Equal("UploadOffsetMismatch", (await ChatApi.ReadAsync<Problem>(wrongOffset, HttpStatusCode.Conflict)).Code);
        }

        using (var rest = await ada.PatchUploadAsync(upload, Chunk, document.AsMemory(Chunk)))
        {
            Assert.True((await ChatApi.ReadAsync<UploadView>(rest, HttpStatusCode.OK)).Complete);
        }

        var sent = await SendMediaAsync(ada, new { toUserId = bobAuth.UserId, media = new { uploadId = upload.UploadId } });
        using var download = await ada.GetAsync(MediaPath(sent));
        Assert.Equal(document, await download.Content.ReadAsByteArrayAsync());
        ada.Dispose();
    }

    [Fact]
    public async Task Upload_OverItsLimit_Is413_BeforeOrWhileStreaming_AndStoresNothingBeyond()
    {
        var (ada, adaAuth, _, bobAuth) = await TwoPeopleAsync();
        var conversationId = TestIds.Conversation(adaAuth.UserId, bobAuth.UserId);
        using (var tooLarge = await ada.PostJsonAsync($"/api/conversations/{conversationId}/uploads", new { kind = "photo", contentType = "image/jpeg", length = 16L * 1024 * 1024 + 1 }))
        {
            Assert.Equal("MediaTooLarge", (await ChatApi.ReadAsync<Problem>(tooLarge, HttpStatusCode.RequestEntityTooLarge)).Code);
        }

        var declared = Chunk + 100;
        var upload = await ada.StartUploadAsync(conversationId, "photo", "image/png", declared);
        using (var longer = await ada.PatchUploadAsync(upload, 0, MediaFiles.Png(Chunk * 3)))
        {
            Assert.Equal("MediaTooLarge", (await ChatApi.ReadAsync<Problem>(longer, HttpStatusCode.RequestEntityTooLarge)).Code);
        }

        var status = await ada.GetJsonAsync<UploadView>($"/api/conversations/{conversationId}/uploads/{upload.UploadId}");
        Assert.Equal(((long)Chunk, false), (status.Received, status.Complete));
        Assert.Equal(1, await fixture.CountAsync("SELECT count(*) FROM media_chunk WHERE service_id = $1 AND blob_id = $2", upload.UploadId));
        ada.Dispose();
    }

    [Fact]
    public async Task Upload_OfTheWrongType_Is415_AndASendOfAnUnfinishedOrForeignUploadIsRefused()
    {
        var (ada, adaAuth, bob, bobAuth) = await TwoPeopleAsync();
        var conversationId = TestIds.Conversation(adaAuth.UserId, bobAuth.UserId);
        foreach (var (kind, type) in new[] { ("photo", "image/svg+xml"), ("photo", "text/html"), ("voiceNote", "audio/mpeg") })
        {
            using var refused = await ada.PostJsonAsync($"/api/conversations/{conversationId}/uploads", new { kind, contentType = type, length = 100 });
            Assert.Equal("UnsupportedMediaType", (await ChatApi.ReadAsync<Problem>(refused, HttpStatusCode.UnsupportedMediaType)).Code);
        }

        var upload = await ada.StartUploadAsync(conversationId, "photo", "image/png", 2000);
        using (var mismatch = await ada.PatchUploadAsync(upload, 0, MediaFiles.Jpeg(2000)))
        {
            Assert.Equal("UnsupportedMediaType", (await ChatApi.ReadAsync<Problem>(mismatch, HttpStatusCode.UnsupportedMediaType)).Code);
        }

        using (var unfinished = await ada.PostJsonAsync("/api/messages", new { toUserId = bobAuth.UserId, media = new { uploadId = upload.UploadId, width = 1, height = 1 } }))
        {
            Assert.Equal("UploadIncomplete", (await ChatApi.ReadAsync<Problem>(unfinished, HttpStatusCode.Conflict)).Code);
        }

        var adasFinished = await ada.UploadAsync(conversationId, "photo", "image/png", MediaFiles.Png(3000));
        using (var notBobs = await bob.PostJsonAsync("/api/messages", new { toUserId = adaAuth.UserId, media = new { uploadId = adasFinished.UploadId, width = 1, height = 1 } }))
        {
            Assert.Equal("UnknownUpload", (await ChatApi.ReadAsync<Problem>(notBobs, HttpStatusCode.NotFound)).Code);
        }

        using (var noSize = await ada.PostJsonAsync("/api/messages", new { toUserId = bobAuth.UserId, media = new { uploadId = adasFinished.UploadId, durationMs = 5 } }))
        {
            Assert.Equal("InvalidMedia", (await ChatApi.ReadAsync<Problem>(noSize, HttpStatusCode.BadRequest)).Code);
        }

        Assert.Empty((await bob.HistoryAsync(adaAuth.UserId, bobAuth.UserId)).Messages);
        ada.Dispose();
        bob.Dispose();
    }

    [Fact]
    public async Task SameFileTwice_IsStoredOnce_AndGoesWhenTheLastMessageReferringToItIsDeleted()
    {
        var (ada, adaAuth, bob, bobAuth) = await TwoPeopleAsync();
        var conversationId = TestIds.Conversation(adaAuth.UserId, bobAuth.UserId);
        var photo = MediaFiles.Jpeg(Chunk + 10);
        var sha256 = MediaFiles.Sha256Of(photo);
        var first = await SendMediaAsync(ada, new { toUserId = bobAuth.UserId, media = new { uploadId = (await ada.UploadAsync(conversationId, "photo", "image/jpeg", photo)).UploadId, width = 2, height = 2 } });
        var second = await SendMediaAsync(ada, new { toUserId = bobAuth.UserId, media = new { uploadId = (await ada.UploadAsync(conversationId, "photo", "image/jpeg", photo)).UploadId, width = 2, height = 2 } });

        Assert.Equal(1, await fixture.CountAsync("SELECT count(*) FROM media WHERE service_id = $1 AND sha256 = $2", sha256));
        Assert.Equal(2, await StoredChunksAsync(sha256));

        using (var deleted = await ada.DeleteAsync($"/api/conversations/{conversationId}/messages/{first.Sequence}"))
        {
            Assert.Equal("deleted", (await ChatApi.ReadAsync<Message>(deleted, HttpStatusCode.OK)).Kind);
        }

        using (var gone = await bob.GetAsync(MediaPath(first)))
        {
            Assert.Equal("UnknownMedia", (await ChatApi.ReadAsync<Problem>(gone, HttpStatusCode.NotFound)).Code);
        }

        Assert.Equal(2, await StoredChunksAsync(sha256));
        using (var stillThere = await bob.GetAsync(MediaPath(second)))
        {
            Assert.Equal(photo, await stillThere.Content.ReadAsByteArrayAsync());
        }

        (await ada.DeleteAsync($"/api/conversations/{conversationId}/messages/{second.Sequence}")).Dispose();
        Assert.Equal(0, await fixture.CountAsync("SELECT count(*) FROM media WHERE service_id = $1 AND sha256 = $2", sha256));
        Assert.Equal(0, await StoredChunksAsync(sha256));
        ada.Dispose();
        bob.Dispose();
    }

    [Fact]
    public async Task Downloads_FollowWhoMayReadTheMessage_OutsiderLaterMemberAndRemovedMember()
    {
        using var anonymous = fixture.Api();
        var (ada, adaAuth) = await anonymous.RegisterAsync();
        var (bob, bobAuth) = await anonymous.RegisterAsync();
        var (carl, carlAuth) = await anonymous.RegisterAsync();
        var (dave, _) = await anonymous.RegisterAsync();
        var group = await GroupAsync(ada, bobAuth.UserId);
        var conversationId = $"g{group.GroupId}";
        var groupPath = $"/api/groups/{group.GroupId}/messages";
        var before = await SendMediaAsync(ada, new { media = new { uploadId = (await ada.UploadAsync(conversationId, "photo", "image/png", MediaFiles.Png(900))).UploadId, width = 3, height = 3 } }, groupPath);

        (await ada.PostJsonAsync($"/api/groups/{group.GroupId}/members", new { userIds = new[] { carlAuth.UserId } })).Dispose();
        (await ada.DeleteAsync($"/api/groups/{group.GroupId}/members/{bobAuth.UserId}")).Dispose();
        var after = await SendMediaAsync(ada, new { media = new { uploadId = (await ada.UploadAsync(conversationId, "photo", "image/png", MediaFiles.Png(800))).UploadId, width = 3, height = 3 } }, groupPath);

        Assert.Equal(HttpStatusCode.OK, await StatusOfAsync(bob, MediaPath(before)));
        Assert.Equal(HttpStatusCode.NotFound, await StatusOfAsync(bob, MediaPath(after)));
        Assert.Equal(HttpStatusCode.NotFound, await StatusOfAsync(carl, MediaPath(before)));
        Assert.Equal(HttpStatusCode.OK, await StatusOfAsync(carl, MediaPath(after)));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusOfAsync(dave, MediaPath(before)));

        var direct = await SendMediaAsync(ada, new { toUserId = carlAuth.UserId, media = new { uploadId = (await ada.UploadAsync(TestIds.Conversation(adaAuth.UserId, carlAuth.UserId), "photo", "image/png", MediaFiles.Png(700))).UploadId, width = 3, height = 3 } });
        Assert.Equal(HttpStatusCode.Forbidden, await StatusOfAsync(dave, MediaPath(direct)));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusOfAsync(bob, MediaPath(direct)));
        using (var outsidersUpload = await dave.PostJsonAsync($"/api/conversations/{conversationId}/uploads", new { kind = "photo", contentType = "image/png", length = 10 }))
        {
            Assert.Equal(HttpStatusCode.Forbidden, outsidersUpload.StatusCode);
        }

        foreach (var api in new[] { ada, bob, carl, dave })
        {
            api.Dispose();
        }
    }

    [Fact]
    public async Task Uploads_NeverSent_AreForgottenByTheSweep_WithTheirBytes_WhileSentMediaStay()
    {
        var (ada, adaAuth, bob, bobAuth) = await TwoPeopleAsync();
        var conversationId = TestIds.Conversation(adaAuth.UserId, bobAuth.UserId);
        var unfinished = await ada.StartUploadAsync(conversationId, "document", "application/pdf", Chunk * 3);
        (await ada.PatchUploadAsync(unfinished, 0, MediaFiles.Pdf(Chunk * 2))).Dispose();
        var unsentPhoto = MediaFiles.Png(5000);
        var unsent = await ada.UploadAsync(conversationId, "photo", "image/png", unsentPhoto);
        var sentPhoto = MediaFiles.Png(6000);
        var sent = await SendMediaAsync(ada, new { toUserId = bobAuth.UserId, media = new { uploadId = (await ada.UploadAsync(conversationId, "photo", "image/png", sentPhoto)).UploadId, width = 5, height = 5 } });

        await Task.Delay(InProcessChatSystem.AbandonedUploadAge + TimeSpan.FromSeconds(1));
        Assert.True(await fixture.SweepAbandonedUploadsAsync() >= 2);

        using (var forgotten = await ada.GetAsync($"/api/conversations/{conversationId}/uploads/{unfinished.UploadId}"))
        {
            Assert.Equal("UnknownUpload", (await ChatApi.ReadAsync<Problem>(forgotten, HttpStatusCode.NotFound)).Code);
        }

        Assert.Equal(0, await fixture.CountAsync("SELECT count(*) FROM media_chunk WHERE service_id = $1 AND blob_id = $2", unfinished.UploadId));
        Assert.Equal(0, await fixture.CountAsync("SELECT count(*) FROM media WHERE service_id = $1 AND sha256 = $2", MediaFiles.Sha256Of(unsentPhoto)));
        using (var stays = await bob.GetAsync(MediaPath(sent)))
        {
            Assert.Equal(sentPhoto, await stays.Content.ReadAsByteArrayAsync());
        }

        Assert.Equal(0, await fixture.SweepAbandonedUploadsAsync());
        ada.Dispose();
        bob.Dispose();
    }

    private async Task<(ChatApi Ada, AuthResponse AdaAuth, ChatApi Bob, AuthResponse BobAuth)> TwoPeopleAsync()
    {
        using var anonymous = fixture.Api();
        var (ada, adaAuth) = await anonymous.RegisterAsync();
        var (bob, bobAuth) = await anonymous.RegisterAsync();
        return (ada, adaAuth, bob, bobAuth);
    }

    private static async Task<GroupView> GroupAsync(ChatApi creator, long member)
    {
        using var created = await creator.PostJsonAsync("/api/groups", new { name = "Photos", memberIds = new[] { member } });
        return await ChatApi.ReadAsync<GroupView>(created, HttpStatusCode.Created);
    }

    private static async Task<Message> SendMediaAsync(ChatApi sender, object body, string path = "/api/messages")
    {
        using var response = await sender.PostJsonAsync(path, body);
        return await ChatApi.ReadAsync<Message>(response, HttpStatusCode.Created);
    }

    private static async Task<HttpStatusCode> StatusOfAsync(ChatApi reader, string path)
    {
        using var response = await reader.GetAsync(path);
        return response.StatusCode;
    }

    private Task<long> StoredChunksAsync(string sha256) => fixture.CountAsync(
        "SELECT count(*) FROM media JOIN media_chunk USING (service_id, blob_id) WHERE service_id = $1 AND sha256 = $2", sha256);

    private static string MediaPath(Message message) => $"/api/conversations/{message.ConversationId}/messages/{message.Sequence}/media";
}
