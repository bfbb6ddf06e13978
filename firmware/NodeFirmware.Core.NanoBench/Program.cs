using System;

namespace NodeFirmware.Core.NanoBench
{
    public static class Program
    {
        public static void Main()
        {
            foreach (string line in CoreCosts.MeasureAll()) Console.WriteLine(line);
            Console.WriteLine("nanobench done");
        }
    }
}
