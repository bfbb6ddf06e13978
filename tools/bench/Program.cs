// Benchmarks print figures; they never pass or fail on timing. Usage: dotnet run -c Release --project tools/bench -- NAME [options]
// Each benchmark lives in its own folder under tools/bench and prints one or more "RESULT name key=value ..." lines.
using NodeFirmware.Bench;

var benchmarks = BenchmarkRegistry.All();
if (args.Length == 0 || !benchmarks.TryGetValue(args[0], out var run))
{
    Console.Error.WriteLine("usage: bench <" + string.Join("|", benchmarks.Keys) + "> [options]");
    return 2;
}
return run(args[1..]);
