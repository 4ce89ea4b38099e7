package dev.serverlesskit.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/** Every handler the app names exists in the jar it deploys, so a rename in lambdas/ fails here, not on Lambda. */
class HandlerNamesTest {

    @Test
    void everyHandlerClassIsInTheFunctionsJar() throws Exception {
        List<String> handlers = new ArrayList<>();
        for (Field field : Handlers.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
                handlers.add((String) field.get(null));
            }
        }
        assertThat(handlers).hasSize(8);
        try (ZipFile jar = new ZipFile(ProjectFiles.functionsJar().toFile())) {
            for (String handler : handlers) {
                assertThat(jar.getEntry(handler.replace('.', '/') + ".class")).as(handler).isNotNull();
            }
        }
    }
}
