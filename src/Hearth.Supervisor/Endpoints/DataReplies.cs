using System.Globalization;
using System.Text.Json;
using Hearth.Supervisor.Data;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Hearth.Supervisor.Endpoints;

/// <summary>How the data API answers: JSON written as Algorithmia's clients read it, and files streamed, ranges included.</summary>
internal static class DataReplies
{
    private const int CopyBuffer = 1 << 16;

    /// <summary>Algorithmia's clients parse <c>last_modified</c> with <c>%Y-%m-%dT%H:%M:%S.%fZ</c>.</summary>
    public static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    public static async Task GetAsync(HttpContext context, DataService data, DataLocation location, DataCaller caller)
    {
        var request = context.Request;
        var cancel = context.RequestAborted;
        if (request.Query["acl"].ToString().Equals("true", StringComparison.OrdinalIgnoreCase))
        {
            var acl = await data.AclAsync(location, caller, cancel).ConfigureAwait(false);
            await ResultAsync(context, w =>
            {
                if (acl is not null)
                {
                    WriteAcl(w, acl);
                }
            }).ConfigureAwait(false);
            return;
        }

        var entry = await data.FindAsync(location, caller, cancel).ConfigureAwait(false);
        if (entry.IsDirectory)
        {
            var listing = await data.ListAsync(location, caller, request.Query["marker"].FirstOrDefault() is { Length: > 0 } m ? m : null, cancel).ConfigureAwait(false);
            await ResultAsync(context, w => WriteListing(w, listing)).ConfigureAwait(false);
            return;
        }

        var response = context.Response;
        var range = ParseRange(request.Headers.Range.ToString(), entry.Size);
        if (range is { Unsatisfiable: true })
        {
            response.StatusCode = StatusCodes.Status416RangeNotSatisfiable;
            response.Headers.ContentRange = $"bytes */{entry.Size.ToString(CultureInfo.InvariantCulture)}";
            return;
        }

        var read = await data.OpenAsync(location, entry, range?.Offset ?? 0, range?.Length, cancel).ConfigureAwait(false);
        await using (read.ConfigureAwait(false))
        {
            response.Headers["X-Data-Type"] = "file";
            response.Headers.AcceptRanges = "bytes";
            response.Headers.LastModified = entry.ModifiedAt.ToString("R", CultureInfo.InvariantCulture);
            response.ContentType = "application/octet-stream";
            response.ContentLength = read.Length;
            if (range is not null)
            {
                response.StatusCode = StatusCodes.Status206PartialContent;
                response.Headers.ContentRange = $"bytes {read.Offset.ToString(CultureInfo.InvariantCulture)}-{(read.Offset + read.Length - 1).ToString(CultureInfo.InvariantCulture)}/{read.Info.Size.ToString(CultureInfo.InvariantCulture)}";
            }

            await read.Content.CopyToAsync(response.Body, CopyBuffer, cancel).ConfigureAwait(false);
        }
    }

    private sealed record ByteRange(long Offset, long Length, bool Unsatisfiable);

    /// <summary>One range, <c>bytes=A-B</c>, <c>bytes=A-</c> or <c>bytes=-N</c>; anything else is ignored and the whole file is sent, as HTTP allows.</summary>
    private static ByteRange? ParseRange(string header, long size)
    {
        if (!RangeHeaderValue.TryParse(header, out var parsed) || !"bytes".Equals(parsed.Unit.Value, StringComparison.OrdinalIgnoreCase) || parsed.Ranges.Count != 1)
        {
            return null;
        }

        var only = parsed.Ranges.First();
        if (only.From is null)
        {
            var suffix = Math.Min(only.To ?? 0, size);
            return suffix <= 0 ? new ByteRange(0, 0, true) : new ByteRange(size - suffix, suffix, false);
        }

        var from = only.From.Value;
        if (from >= size)
        {
            return new ByteRange(0, 0, true);
        }

        var to = Math.Min(only.To ?? (size - 1), size - 1);
        return to < from ? null : new ByteRange(from, to - from + 1, false);
    }

    private static void WriteListing(Utf8JsonWriter w, DataListing listing)
    {
        w.WriteStartArray("folders");
        foreach (var folder in listing.Folders)
        {
            w.WriteStartObject();
            w.WriteString("name", folder);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartArray("files");
        foreach (var file in listing.Files)
        {
            w.WriteStartObject();
            w.WriteString("filename", file.Name);
            w.WriteString("last_modified", Time(file.LastModified));
            w.WriteNumber("size", file.Size);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        if (listing.Marker is { } marker)
        {
            w.WriteString("marker", marker);
        }

        if (listing.Acl is { } acl)
        {
            WriteAcl(w, acl);
        }
    }

    private static void WriteAcl(Utf8JsonWriter w, IReadOnlyList<string> read)
    {
        w.WriteStartObject("acl");
        w.WriteStartArray("read");
        foreach (var item in read)
        {
            w.WriteStringValue(item);
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <summary>A 200 with one JSON object, its members written by <paramref name="members"/>.</summary>
    public static async Task ResultAsync(HttpContext context, Action<Utf8JsonWriter> members, int status = StatusCodes.Status200OK)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            members(writer);
            writer.WriteEndObject();
        }

        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = buffer.Length;
        if (!HttpMethods.IsHead(context.Request.Method))
        {
            await context.Response.Body.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), context.RequestAborted).ConfigureAwait(false);
        }
    }

    /// <summary>An error: <c>{"error": {"message"}}</c>, and on HEAD (which has no body) the message in <c>X-Error-Message</c>.</summary>
    public static Task ErrorAsync(HttpContext context, int status, string message)
    {
        context.Response.Headers["X-Error-Message"] = message;
        if (status == StatusCodes.Status413PayloadTooLarge)
        {
            // The rest of the upload is not read; the connection cannot be reused after it.
            context.Response.Headers.Connection = "close";
        }

        return ResultAsync(context, w =>
        {
            w.WriteStartObject("error");
            w.WriteString("message", message);
            w.WriteEndObject();
        }, status);
    }
}
