using System.Globalization;
using Hearth.Core.Frames;
using Hearth.Protocol.Rest;
using Hearth.Supervisor.Jobs;

namespace Hearth.Supervisor.Frames;

/// <summary>Checks the agenda fields of a submission; each error names the field, and for a range the item.</summary>
internal static class AgendaRequests
{
    public const int MaxRangeLength = 64 * 1024;

    /// <summary>The agenda a submission asks for, or null for a job of one command.</summary>
    public static AgendaSpec? Parse(SubmitJobRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Range is not { } range)
        {
            var stray = request.Chunk is not null ? "chunk"
                : request.Padding is not null ? "padding"
                : request.Order is not null ? "order"
                : request.RetryWork is not null ? "retry_work"
                : request.RetryWorkDelay is not null ? "retry_work_delay"
                : request.FrameByFrame is not null ? "frame_by_frame"
                : null;
            return stray is null ? null : throw new InvalidRequestException($"{stray}: only an agenda job takes it; give a range too");
        }

        if (range.Length > MaxRangeLength)
        {
            throw new FieldTooLargeException(string.Create(CultureInfo.InvariantCulture, $"range is {range.Length} characters long; the limit is {MaxRangeLength}"));
        }

        if (request.Retries is > 0 || request.RetryDelay is not null)
        {
            throw new InvalidRequestException("retries: an agenda job retries its items, with retry_work and retry_work_delay");
        }

        AgendaPlan plan;
        try
        {
            plan = AgendaPlan.Parse(range, request.Chunk, request.Padding, request.Order);
        }
        catch (FrameRangeSyntaxException e)
        {
            throw new InvalidRequestException(e.Message);
        }

        var retryWork = request.RetryWork ?? 0;
        if (retryWork is < 0 or > AgendaSpec.MaxRetryWork)
        {
            throw new InvalidRequestException(string.Create(CultureInfo.InvariantCulture, $"retry_work {retryWork} is out of range: 0 to {AgendaSpec.MaxRetryWork}"));
        }

        var delay = TimeSpan.Zero;
        if (request.RetryWorkDelay is { } text)
        {
            try
            {
                delay = JobControlsParser.ParseDelay(text);
            }
            catch (InvalidRequestException e)
            {
                throw new InvalidRequestException("retry_work_delay: " + e.Message.Replace("retry_delay ", "", StringComparison.Ordinal));
            }
        }

        if (request.FrameByFrame is < 1)
        {
            throw new InvalidRequestException(string.Create(CultureInfo.InvariantCulture, $"frame_by_frame: {request.FrameByFrame} is not a job ID"));
        }

        return new AgendaSpec(range.Trim(), plan, retryWork, delay, request.FrameByFrame);
    }
}
