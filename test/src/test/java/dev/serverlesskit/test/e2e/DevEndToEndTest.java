package dev.serverlesskit.test.e2e;

import dev.serverlesskit.local.LocalRuntime;
import org.junit.jupiter.api.Order;

/** The dev stage: functions run on demand with their role's credentials in access-key variables. */
@Order(1)
class DevEndToEndTest extends LocalAppEndToEndTest {
    @Override
    LocalRuntime start() {
        return LocalStage.runtime("dev");
    }

    @Override
    String siteOrigin() {
        return "http://localhost:5173";
    }
}
