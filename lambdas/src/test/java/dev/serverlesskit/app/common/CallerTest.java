package dev.serverlesskit.app.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class CallerTest {

    @ParameterizedTest
    @ValueSource(strings = {"admins,users", "[admins users]", "[admins, users]", " admins , users ",
            "[\"admins\",\"users\"]", "admins users"})
    void parsesEveryShapeOfTheGroupsClaim(String raw) {
        assertThat(Caller.parseGroups(raw)).containsExactly("admins", "users");
    }

    @Test
    void singleGroupEmptyAndListForms() {
        assertThat(Caller.parseGroups("admins")).containsExactly("admins");
        assertThat(Caller.parseGroups("[]")).isEmpty();
        assertThat(Caller.parseGroups("")).isEmpty();
        assertThat(Caller.parseGroups(null)).isEmpty();
        assertThat(Caller.parseGroups(List.of("admins", "users"))).containsExactly("admins", "users");
    }

    @Test
    void groupNamesMustMatchExactly() {
        assertThat(Caller.parseGroups("[superadmins users]")).doesNotContain("admins");
        assertThat(Caller.parseGroups("admins-readonly")).doesNotContain("admins");
    }

    @Test
    void noClaimsOrNoSubIsAnonymous() {
        assertThat(Caller.fromAuthorizer(null)).isNull();
        assertThat(Caller.fromAuthorizer(Map.of())).isNull();
        assertThat(Caller.fromAuthorizer(Map.of("claims", Map.of("cognito:groups", "admins")))).isNull();
        assertThat(Caller.fromAuthorizer(Map.of("claims", Map.of("sub", " ")))).isNull();
        Caller caller = Caller.fromAuthorizer(Map.of("claims", Map.of("sub", "u-1", "cognito:groups", "[admins]")));
        assertThat(caller.sub()).isEqualTo("u-1");
        assertThat(caller.inGroup("admins")).isTrue();
    }
}
