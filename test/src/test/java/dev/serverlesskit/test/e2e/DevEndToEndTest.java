package dev.serverlesskit.test.e2e;

import org.junit.jupiter.api.Order;

/** The dev stage: functions run on demand with their role's credentials in access-key variables. */
@Order(1)
class DevEndToEndTest extends LocalAppEndToEndTest {
    DevEndToEndTest() {
        super("dev", "http://localhost:5173");
    }
}
