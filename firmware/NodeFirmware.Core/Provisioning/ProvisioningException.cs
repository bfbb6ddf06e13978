using System;

namespace NodeFirmware.Core.Provisioning
{
    /// <summary>A provisioning request that cannot be carried out; <see cref="Code"/> goes into the Error reply.</summary>
    public class ProvisioningException : Exception
    {
        public ProvisioningException(ErrorCode code, string message) : base(message)
        {
            Code = code;
        }

        public ErrorCode Code { get; private set; }
    }
}
