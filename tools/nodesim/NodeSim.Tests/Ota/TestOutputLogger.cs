using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace NodeSim.Tests.Ota;

/// <summary>The campaign engine's log lines at or above <see cref="Minimum"/> in the test's output.</summary>
public sealed class TestOutputLogger(ITestOutputHelper output, LogLevel minimum = LogLevel.Warning) : ILogger
{
    public LogLevel Minimum => minimum;

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= minimum;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!IsEnabled(logLevel)) return;
        try { output.WriteLine($"{logLevel}: {formatter(state, exception)}{(exception is null ? "" : " " + exception)}"); }
        catch (InvalidOperationException) { } // the test has finished
    }
}
