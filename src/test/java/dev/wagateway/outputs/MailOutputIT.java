package dev.wagateway.outputs;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.time.Duration;

import javax.imageio.ImageIO;

import jakarta.mail.BodyPart;
import jakarta.mail.Multipart;
import jakarta.mail.internet.MimeMessage;

import com.google.zxing.BinaryBitmap;
import com.google.zxing.MultiFormatReader;
import com.google.zxing.client.j2se.BufferedImageLuminanceSource;
import com.google.zxing.common.HybridBinarizer;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

import dev.wagateway.support.Await;
import dev.wagateway.support.PostgresGatewayTest;
import dev.wagateway.support.Samples;

/** E-mail alerts through a real SMTP server (GreenMail), read back: subject, text, and the QR as a PNG. */
@TestPropertySource(properties = {
        "gateway.rate-limit.trusted-senders=127.0.0.1/32,::1/128",
        "gateway.rate-limit.trusted-per-minute=100000",
        "gateway.outputs.mail.to=ops@example.com,oncall@example.com",
        "gateway.outputs.mail.from=gateway@example.com",
        "gateway.outputs.mail.qr=true",
        "gateway.outputs.mail.smtp-host=127.0.0.1"})
class MailOutputIT extends PostgresGatewayTest {

    private static GreenMail smtp;

    @DynamicPropertySource
    static void smtpServer(DynamicPropertyRegistry registry) {
        smtp = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
        smtp.start();
        registry.add("gateway.outputs.mail.smtp-port", () -> smtp.getSmtp().getPort());
    }

    @AfterAll
    static void stopSmtp() {
        smtp.stop();
    }

    private MimeMessage awaitMail(String subjectPart) {
        MimeMessage[] found = new MimeMessage[1];
        Await.until(Duration.ofSeconds(15), () -> {
            for (MimeMessage m : smtp.getReceivedMessages()) {
                try {
                    if (m.getSubject().contains(subjectPart)) {
                        found[0] = m;
                        return true;
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
            return false;
        }, "a mail about " + subjectPart);
        return found[0];
    }

    @Test
    void aDisconnectSendsAnAlertWithSessionEventAndReason() throws Exception {
        client.post("/api/whatsapp/webhook", Samples.forSession("disconnected", "mail-shop"));
        MimeMessage mail = awaitMail("mail-shop: disconnected");

        assertThat(mail.getSubject()).isEqualTo("[WhatsApp gateway] session mail-shop: disconnected (LOGOUT)");
        assertThat(mail.getFrom()[0].toString()).isEqualTo("gateway@example.com");
        assertThat(mail.getAllRecipients()).extracting(Object::toString).contains("ops@example.com", "oncall@example.com");
        String text = mail.getContent().toString();
        assertThat(text).contains("Session:  mail-shop").contains("Reason:   LOGOUT");
    }

    @Test
    void anAuthFailureAlertsToo() {
        client.post("/api/whatsapp/webhook", Samples.forSession("auth_failure", "mail-fail"));
        assertThat(awaitMail("mail-fail: auth_failure")).isNotNull();
    }

    @Test
    void aQrArrivesAsAScannablePngAttachment() throws Exception {
        client.post("/api/whatsapp/webhook", Samples.forSession("qr", "mail-qr"));
        MimeMessage mail = awaitMail("mail-qr: qr");

        Multipart parts = (Multipart) mail.getContent();
        BodyPart png = null;
        for (int i = 0; i < parts.getCount(); i++) {
            if (parts.getBodyPart(i).getContentType().startsWith("image/png")) {
                png = parts.getBodyPart(i);
            }
        }
        assertThat(png).as("a PNG attachment").isNotNull();
        BufferedImage image = ImageIO.read(png.getInputStream());
        String decoded = new MultiFormatReader().decode(
                new BinaryBitmap(new HybridBinarizer(new BufferedImageLuminanceSource(image)))).getText();
        assertThat(decoded).startsWith("2@Xk7cQ0vYh1m3pK9sT4wZr8bN6fJ2dL5aE0uC3gH7iM1oP4qR8sV2xY6zA9bD3fG5hJ7kL0nQ2tW4yZ,");
    }

    @Test
    void otherEventsSendNoMail() throws Exception {
        client.post("/api/whatsapp/webhook", Samples.forSession("message", "mail-quiet"));
        client.post("/api/whatsapp/webhook", Samples.forSession("disconnected", "mail-quiet"));
        awaitMail("mail-quiet: disconnected");
        for (MimeMessage m : smtp.getReceivedMessages()) {
            assertThat(m.getSubject()).doesNotContain("mail-quiet: message");
        }
    }
}
