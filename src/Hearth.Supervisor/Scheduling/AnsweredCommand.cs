using Microsoft.Extensions.Logging;

namespace Hearth.Supervisor.Scheduling;

/// <summary>A command whose caller waits for a <typeparamref name="T"/> in <see cref="Reply"/>, given only once the cycle commits.</summary>
internal abstract record AnsweredCommand<T>(TaskCompletionSource<T> Reply) : SchedulerCommand
{
    private T? _result;

    public sealed override bool Run(SchedulerState state, CycleEffects fx, ILogger log)
    {
        _result = Execute(state, fx, log);
        return true;
    }

    public sealed override void Answer() => Reply.TrySetResult(_result!);

    public sealed override bool Fail(Exception error)
    {
        Reply.TrySetException(error);
        return true;
    }

    protected abstract T Execute(SchedulerState state, CycleEffects fx, ILogger log);
}
