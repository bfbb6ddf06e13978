using System.IO;
using NodeFirmware.Core.Ota;

namespace NodeFirmware.Device
{
    /// <summary>Reads the provisioned rollback policy; what a missing or bad file means is Core's rule (RollbackPolicyCodec.DecodeOrDefault).</summary>
    public static class RollbackPolicyFile
    {
        public static RollbackPolicy Load(out string problem)
        {
            return RollbackPolicyCodec.DecodeOrDefault(ReadOrNull(DevicePaths.RollbackPolicyFile), out problem);
        }

        private static byte[] ReadOrNull(string path)
        {
            if (!File.Exists(path)) return null;
            using (var f = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read))
            {
                long length = f.Length;
                // A file far beyond the codec's limit is refused by the codec from its first bytes.
                var data = new byte[length > RollbackPolicyCodec.MaxEncodedLength + 1 ? RollbackPolicyCodec.MaxEncodedLength + 1 : (int)length];
                int done = 0;
                while (done < data.Length)
                {
                    int n = f.Read(data, done, data.Length - done);
                    if (n <= 0) break;
                    done += n;
                }
                return data;
            }
        }
    }
}
