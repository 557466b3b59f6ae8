using System.Globalization;
using System.Text.Json;
using Hearth.Supervisor.Auth;
using Hearth.Supervisor.Data;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;

namespace Hearth.Supervisor.Endpoints;

/// <summary>
/// The data API as Algorithmia's clients call it, under <c>/v1/data/PATH</c> and <c>/v1/connector/data/PATH</c>:
/// HEAD (exists, with <c>X-Data-Type</c>, or <c>X-Error-Message</c>), GET (a file's bytes, ranges too, or a directory's
/// listing by <c>marker</c>; <c>?acl=true</c> for permissions), PUT (a file from the raw body, streamed), DELETE
/// (<c>?force=true</c> for a directory with things in it), POST (a directory, or a collection with its ACL) and PATCH
/// (a collection's ACL). Errors are <c>{"error": {"message"}}</c>. The key is checked here: instances' keys are in memory only.
/// </summary>
internal static class DataEndpoints
{
    private const int MaxJsonBody = 64 * 1024;

    public static IEndpointRouteBuilder MapDataEndpoints(this IEndpointRouteBuilder app)
    {
        string[] methods = [HttpMethods.Head, HttpMethods.Get, HttpMethods.Put, HttpMethods.Delete, HttpMethods.Post, HttpMethods.Patch];
        foreach (var prefix in (string[])["/v1/data", "/v1/connector/data"])
        {
            app.MapMethods(prefix + "/{**path}", methods, HandleAsync).AllowAnonymous().WithMetadata(ChecksItsOwnKey.Instance).WithTags("Data")
                .WithSummary("Algorithmia's data API: HEAD, GET (?marker=, ?acl=true, Range), PUT, DELETE (?force=true), POST {name, acl}, PATCH {acl}");
        }

        return app;
    }

    private static async Task HandleAsync(HttpContext context, string? path, DataService data, DataIdentity identity, DataSessions sessions)
    {
        var request = context.Request;
        var cancel = context.RequestAborted;
        try
        {
            var caller = await identity.IdentifyAsync(request.Headers.Authorization.ToString(), cancel).ConfigureAwait(false);
            var location = DataPaths.Resolve(path ?? "", caller, caller.InstanceId);
            switch (request.Method)
            {
                case "HEAD":
                    var entry = await data.FindAsync(location, caller, cancel).ConfigureAwait(false);
                    context.Response.Headers["X-Data-Type"] = entry.IsDirectory ? "directory" : "file";
                    if (!entry.IsDirectory)
                    {
                        context.Response.ContentLength = entry.Size;
                        context.Response.Headers.LastModified = entry.ModifiedAt.ToString("R", CultureInfo.InvariantCulture);
                    }

                    return;
                case "GET":
                    await DataReplies.GetAsync(context, data, location, caller).ConfigureAwait(false);
                    return;
                case "PUT":
                    if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
                    {
                        // Files stream through of any size; the owner's quota is the limit.
                        limit.MaxRequestBodySize = null;
                    }

                    if (caller.InstanceId is { } session && location.Root == DataSessions.Root(session))
                    {
                        sessions.Wrote(session);
                    }

                    await data.PutAsync(location, caller, request.Body, request.ContentLength, cancel).ConfigureAwait(false);
                    await DataReplies.ResultAsync(context, w => w.WriteString("result", location.Uri)).ConfigureAwait(false);
                    return;
                case "DELETE":
                    var deleted = await data.DeleteAsync(location, caller, Flag(request.Query["force"]), cancel).ConfigureAwait(false);
                    await DataReplies.ResultAsync(context, w =>
                    {
                        w.WriteStartObject("result");
                        w.WriteNumber("deleted", deleted);
                        w.WriteEndObject();
                    }).ConfigureAwait(false);
                    return;
                case "POST":
                    var body = await ReadJsonAsync(context).ConfigureAwait(false);
                    var name = body.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString()! : throw new DataRefusedException(400, "the body must be {\"name\": NAME, \"acl\": {\"read\": [...]}}");
                    if (name.Length == 0 || name.Contains('/', StringComparison.Ordinal))
                    {
                        throw new DataRefusedException(400, $"directory name \"{name}\" must be one non-empty path segment");
                    }

                    var created = DataPaths.Resolve((path ?? "").TrimEnd('/') + "/" + name, caller, caller.InstanceId);
                    if (caller.InstanceId is { } dirSession && created.Root == DataSessions.Root(dirSession))
                    {
                        sessions.Wrote(dirSession);
                    }

                    await data.CreateDirectoryAsync(location, created, caller, DataAcl.Parse(ReadAcl(body)), cancel).ConfigureAwait(false);
                    await DataReplies.ResultAsync(context, w => w.WriteString("result", created.Uri)).ConfigureAwait(false);
                    return;
                default:
                    var patch = await ReadJsonAsync(context).ConfigureAwait(false);
                    await data.SetAclAsync(location, caller, DataAcl.Parse(ReadAcl(patch) ?? throw new DataRefusedException(400, "the body must be {\"acl\": {\"read\": [...]}}")), cancel)
                        .ConfigureAwait(false);
                    await DataReplies.ResultAsync(context, w => w.WriteString("result", location.Uri)).ConfigureAwait(false);
                    return;
            }
        }
        catch (DataRefusedException e) when (!context.Response.HasStarted)
        {
            await DataReplies.ErrorAsync(context, e.Status, e.Message).ConfigureAwait(false);
        }
    }

    private static bool Flag(string? text) => text is not null && (text.Equals("true", StringComparison.OrdinalIgnoreCase) || text == "1");

    /// <summary>The body's <c>acl.read</c> list, or null when the body has no <c>acl</c>.</summary>
    private static List<string>? ReadAcl(JsonElement body)
    {
        if (!body.TryGetProperty("acl", out var acl) || acl.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (acl.ValueKind != JsonValueKind.Object || !acl.TryGetProperty("read", out var read) || read.ValueKind != JsonValueKind.Array
            || read.EnumerateArray().Any(r => r.ValueKind != JsonValueKind.String))
        {
            throw new DataRefusedException(400, "acl must be {\"read\": [...]} with a list of strings: [\"user://*\"], [\"algo://.my/*\"] or []");
        }

        return [.. read.EnumerateArray().Select(r => r.GetString()!)];
    }

    private static async Task<JsonElement> ReadJsonAsync(HttpContext context)
    {
        if (context.Request.ContentLength > MaxJsonBody)
        {
            throw new DataRefusedException(413, $"the JSON body is larger than {MaxJsonBody} bytes");
        }

        try
        {
            using var document = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted).ConfigureAwait(false);
            return document.RootElement.ValueKind == JsonValueKind.Object
                ? document.RootElement.Clone()
                : throw new DataRefusedException(400, "the body must be a JSON object");
        }
        catch (JsonException e)
        {
            throw new DataRefusedException(400, $"the body is not JSON: {e.Message}");
        }
    }
}
