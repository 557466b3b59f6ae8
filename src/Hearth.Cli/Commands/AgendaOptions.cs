using System.CommandLine;
using Hearth.Cli.Client;
using Hearth.Core.Frames;
using Hearth.Protocol.Rest;

namespace Hearth.Cli.Commands;

/// <summary>The options of <c>submit</c> that make an agenda job: a range of frames cut into work items.</summary>
internal sealed class AgendaOptions
{
    private readonly Option<string?> _range = new("--range") { Description = "Make an agenda job of these frames, e.g. 1-240, 1-100x2 or 1,5,10-20" };
    private readonly Option<int?> _chunk = new("--chunk") { Description = "Frames per work item (default 1)" };
    private readonly Option<int?> _padding = new("--padding") { Description = "Digits of QB_PADDED_FRAME_NUMBER, zero-filled (default 0)" };
    private readonly Option<string?> _order = new("--order") { Description = "ascending (default), descending or binary (first, last, middle, then halves)" };
    private readonly Option<int?> _retryWork = new("--retry-work") { Description = "Run a failed item again up to this many times, on another host when one fits (default 0)" };
    private readonly Option<string?> _retryWorkDelay = new("--retry-work-delay") { Description = "Wait this long before an item's retry, e.g. 30s (default: at once)" };
    private readonly Option<long?> _frameByFrame = new("--frame-by-frame") { Description = "Each item waits until the items of this agenda job holding the same frames are complete" };

    public void AddTo(Command command)
    {
        command.Options.Add(_range);
        command.Options.Add(_chunk);
        command.Options.Add(_padding);
        command.Options.Add(_order);
        command.Options.Add(_retryWork);
        command.Options.Add(_retryWorkDelay);
        command.Options.Add(_frameByFrame);
    }

    /// <summary>The request with the agenda options given; the range is checked here first, naming the item, as the supervisor would.</summary>
    public SubmitJobRequest AddTo(SubmitJobRequest request, ParseResult result)
    {
        var range = result.GetValue(_range);
        if (range is not null)
        {
            try
            {
                AgendaPlan.Parse(range, result.GetValue(_chunk), result.GetValue(_padding), result.GetValue(_order));
            }
            catch (FrameRangeSyntaxException e)
            {
                throw new CliException("--" + e.Message, ExitCodes.InvalidInput);
            }
        }

        return request with
        {
            Range = range,
            Chunk = result.GetValue(_chunk),
            Padding = result.GetValue(_padding),
            Order = result.GetValue(_order),
            RetryWork = result.GetValue(_retryWork),
            RetryWorkDelay = result.GetValue(_retryWorkDelay),
            FrameByFrame = result.GetValue(_frameByFrame),
        };
    }
}
