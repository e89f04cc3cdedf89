package io.paymentledger.relay;

import io.paymentledger.testsupport.JarProcess;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/** The packaged relay ({@code target/outbox-processor.jar}) as a real child process that can be signalled and killed. */
final class RelayProcess {
    private RelayProcess() {
    }

    static JarProcess start(RelayConfig config, Map<String, String> env) throws IOException {
        return JarProcess.start(Path.of("target", "outbox-processor.jar"), "relay-" + config.instanceId(), env, "run");
    }
}
