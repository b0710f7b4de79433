import { ServerInterceptingCall, ServerInterceptor } from '@grpc/grpc-js';
import { grpcCodeName, requestMetrics } from './metrics';

/**
 * A grpc-js server interceptor timing every call, unary or streaming, from its start to the status
 * the server sends (`callcenter_grpc_server_handling_seconds{method, code}`), whatever produced the
 * status: the handler, an exception filter or grpc-js itself (an oversized message). A call the
 * client abandons counts as CANCELLED.
 */
export function grpcMetricsInterceptor(): ServerInterceptor {
  return (methodDescriptor, call) => {
    const end = requestMetrics.grpc.startTimer({ method: methodDescriptor.path });
    let done = false;
    const finish = (code: number | undefined) => {
      if (done) return;
      done = true;
      end({ code: grpcCodeName(code) });
    };
    return new ServerInterceptingCall(call, {
      start: (next) => {
        next({ onCancel: () => finish(1) });
      },
      sendStatus: (status, next) => {
        finish(status.code);
        next(status);
      },
    });
  };
}
