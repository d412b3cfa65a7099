import factory
from django.contrib.auth.models import Group

from accounts.models import Membership, Organization, Region, User

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.kr")
    full_name = factory.Sequence(lambda n: f"사용자 {n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if extracted:
            self.groups.set(Group.objects.filter(name__in=extracted))
        if create:
            self.save()


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    kind = Organization.Kind.METROPOLITAN
    name_ko = factory.Sequence(lambda n: f"시험광역시 {n}")
    name_en = factory.Sequence(lambda n: f"Test Metropolitan City {n}")
    region = factory.LazyFunction(lambda: Region.objects.current().first())
    status = Organization.Status.APPROVED


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = Membership.Role.OWNER
