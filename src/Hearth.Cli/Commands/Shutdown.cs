using System.Runtime.InteropServices;

namespace Hearth.Cli.Commands;

/// <summary>
/// Ctrl-C and SIGTERM for the long-running commands: the first signal cancels the token so the command can
/// stop its workers and processes cleanly; the process is not torn down underneath it.
/// </summary>
internal sealed class Shutdown : IDisposable
{
    private readonly CancellationTokenSource _requested = new();
    private readonly PosixSignalRegistration[] _registrations;

    public Shutdown()
    {
        _registrations =
        [
            PosixSignalRegistration.Create(PosixSignal.SIGINT, Handle),
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handle),
        ];
    }

    public CancellationToken Token => _requested.Token;

    private void Handle(PosixSignalContext context)
    {
        context.Cancel = true;
        _requested.Cancel();
    }

    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }

        _requested.Dispose();
    }
}
