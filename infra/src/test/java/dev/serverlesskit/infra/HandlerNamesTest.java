package dev.serverlesskit.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/**
 * Every handler the app names exists in the jar it deploys (its group's, {@link Handlers#jarOf(String)}) and not in
 * the other, so a rename or a wrong group in lambdas/ fails here, not on Lambda.
 */
class HandlerNamesTest {

    @Test
    void everyHandlerClassIsInItsOwnFunctionsJar() throws Exception {
        List<String> handlers = new ArrayList<>();
        for (Field field : Handlers.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
                handlers.add((String) field.get(null));
            }
        }
        assertThat(handlers).hasSize(10);
        FunctionJars jars = ProjectFiles.functionJars();
        for (String handler : handlers) {
            String entry = handler.replace('.', '/') + ".class";
            FunctionJars.Group own = Handlers.jarOf(handler);
            for (FunctionJars.Group group : FunctionJars.Group.values()) {
                try (ZipFile jar = new ZipFile(jars.jar(group).toFile())) {
                    if (group == own) {
                        assertThat(jar.getEntry(entry)).as(handler + " in the " + group + " jar").isNotNull();
                    } else {
                        assertThat(jar.getEntry(entry)).as(handler + " not in the " + group + " jar").isNull();
                    }
                }
            }
        }
        assertThat(Handlers.jarOf(Handlers.RECORD_CLICK)).isEqualTo(FunctionJars.Group.SQS);
        assertThat(Handlers.jarOf(Handlers.PRE_TRAFFIC_HOOK)).isEqualTo(FunctionJars.Group.DELIVERY);
        assertThat(Handlers.jarOf(Handlers.SYNTHETIC_CHECK)).isEqualTo(FunctionJars.Group.DELIVERY);
    }
}
